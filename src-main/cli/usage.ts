export const USAGE = `photo-search — find your photos by describing them, by example, or both. Everything stays on this machine.

Usage:
  photo-search index <folder>...            add folders and index them (again: only what changed)
  photo-search index                        re-index every library folder
  photo-search search <text> [options]      photos that match a description
  photo-search similar <photo> [options]    near-duplicates and look-alikes of a photo (a file or a photo id)
  photo-search status                       folders, photos, model, index health, files that failed
  photo-search forget <folder>              drop a folder from the library (the files are not touched)
  photo-search serve [--port N] [--open]    the app in a browser on this machine (127.0.0.1, per-run access token)
  photo-search models list                  the model catalog, what is installed, which is active
  photo-search models install <id>          download a model (resumable; --quantized for the int8 variant)
  photo-search models use <id>              switch models; photos are re-embedded while search keeps the old one
  photo-search models import <dir>          install a model folder copied from another machine (--id <id>)
  photo-search models remove <id>           delete an installed model that is not active

Search options:
  -k <n>                  how many results (default 20)
  --image <file>          add an example photo to the query (repeatable)
  --image-weight <w>      share of the image in an image+text query, 0..1 (default 0.5)
  --not <text>            push photos matching this text down (repeatable)
  --not-image <file>      push photos like this one down (repeatable)
  --not-weight <w>        strength of negative terms (default 0.5)
  --min-score <s>         hide results scoring below s
  --after <YYYY-MM-DD>    taken on or after this day
  --before <YYYY-MM-DD>   taken on or before this day
  --folder <folder>       only photos under this folder (repeatable)
  --type <jpg,heic,...>   only these file types
  --camera <text>         only photos from a camera whose name contains text
  --has-gps               only photos with a location

Every command:
  --library <dir>         where the library is kept (default: the app's user data folder)
  --model <dir>           the model directory to use (remembered for this library)
  --json                  machine-readable output
`;
