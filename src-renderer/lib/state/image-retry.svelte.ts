/**
 * Images that failed while the engine could not be reached are worth asking for
 * again once it is back: the interface bumps `round` on every reconnection, and
 * an image shown as broken in an earlier round loads again.
 */
class ImageRetry {
  round = $state(0);

  again(): void {
    this.round += 1;
  }
}

export const imageRetry = new ImageRetry();
