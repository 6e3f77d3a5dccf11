export const USAGE = `photo-search — find your photos by describing them, by example, or both. Everything stays on this machine.

Usage:
  photo-search index <folder>...            add folders and index them (again: only what changed)
  photo-search index                        re-index every library folder
  photo-search index --retry-failed         ...and read again the files that failed, quarantined ones included
  photo-search index --allow-removals       ...and remove photos no longer found even when they are most of a folder
  photo-search search <text> [options]      photos that match a description
  photo-search similar <photo> [options]    near-duplicates and look-alikes of a photo (a file or a photo id)
  photo-search duplicates [--threshold t]   groups of near-identical photos, the one to keep first (nothing is deleted)
  photo-search albums list                  smart albums; also: create <name> [--description d] [--like <id>...],
                                            show <album>, add <album> <photo id>..., remove <album> <photo id>..., delete <album>
  photo-search text <photo>                 the words read in a photo, with confidences and outlines; text on|off;
                                            text model [<id>] lists the OCR models or reads with another (downloaded first)
  photo-search labels list                  the labels photos get; also: add <label>, remove <label>, show <photo id>,
                                            yes|no|reset <photo id> <label> (your correction wins over the model's)
  photo-search status                       folders, photos, model, index health, files that failed
  photo-search forget <folder>              drop a folder from the library (the files are not touched)
  photo-search serve [--port N] [--open]    the app in a browser on this machine (127.0.0.1, behind the library's access token)
  photo-search models list                  the model catalog, what is installed, which is active
  photo-search models install <id>          download a model (resumable; --quantized for the int8 variant)
  photo-search models use <id>              switch models; photos are re-embedded while search keeps the old one
  photo-search models import <dir>          install a model folder copied from another machine (--id <id>)
  photo-search models remove <id>           delete an installed model that is not active
  photo-search eval <folder>                the active model's accuracy on a folder of class subfolders (read only)

Search: the words use the same query language as the app's search box:
  dog beach -people "exact words" in:paris after:2021-01 before:2021-12 folder:Trips
  camera:iphone type:heic 2:sunset like:123 sort:newest
Free words are matched by what photos look like, and by file and folder names, places,
dates ("June 2021", "2019") and cameras; "quoted words" only literally. The matches
are listed first, then weaker matches; every match is listed unless -k is given.

Search options (aliases of the language's operators):
  -k <n>                  page size: how many results to list
  --offset <n>            start the list after this many results
  --sort <order>          relevance (default), newest or oldest
  --image <file>          add an example photo to the query (repeatable)
  --like <photo>          an example photo: a file or a photo id (repeatable)
  --unlike <photo>        a counter-example: a file or a photo id (repeatable)
  --image-weight <w>      share of the examples in an image+text query, 0..1 (default 0.5)
  --not <text>            push photos matching this text down (repeatable)
  --not-image <file>      push photos like this one down (repeatable)
  --not-weight <w>        strength of negative terms (default 0.5)
  --min-score <s>         hide results whose cosine with the query is below s
  --after <date>          taken on or after this day (YYYY, YYYY-MM or YYYY-MM-DD)
  --before <date>         taken on or before this day
  --folder <folder>       only photos under this folder (repeatable)
  --type <jpg,heic,...>   only these file types
  --camera <text>         only photos from a camera whose name contains text
  --has-gps               only photos with a location

Eval options (zero-shot top-1/top-5, 1- to 16-shot cache model and trained head, retrieval):
  --captions <file>       path<TAB>caption lines (paths relative to the folder): text-to-image recall@1/5/10
  --prompts <file>        class<TAB>description lines, added to each class's prompt ensemble
  --seeds <n>             few-shot draws per shot count (default 3)

Every command:
  --library <dir>         where the library is kept (default: the app's user data folder)
  --model <dir>           the model directory to use (remembered for this library)
  --json                  machine-readable output
`;
