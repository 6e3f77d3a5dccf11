import type { ClientMode, EngineStatus } from './api/client.ts';

export interface ConnectionNotice {
  text: string;
  /** Waiting for something that happens by itself (a spinner), or a problem that needs the user. */
  tone: 'busy' | 'problem';
}

function seconds(ms: number | null): string {
  return ms === null ? 'a moment' : `${Math.max(1, Math.round(ms / 1000))} s`;
}

/**
 * What the interface says while the engine cannot be reached, and what to do, in
 * the words of the front end: the browser talks to `photo-search serve`, the
 * desktop app to its own engine process. Null when all is well.
 */
export function connectionNotice(status: EngineStatus, mode: ClientMode): ConnectionNotice | null {
  if (status.state === 'ready') return null;
  if (mode === 'browser') {
    if (status.reason === 'forbidden') {
      return {
        tone: 'problem',
        text: 'photo-search serve no longer accepts this page: it was started again with another access token. Open the page it printed again.',
      };
    }
    return {
      tone: 'problem',
      text: 'Lost the connection to photo-search serve. If you stopped it, start it again for the same library; this page reconnects by itself when it is back. Trying again…',
    };
  }
  if (status.state === 'starting') return { tone: 'busy', text: 'The photo engine is starting…' };
  if (status.state === 'restarting') {
    const why = status.message ?? 'The photo engine stopped.';
    return {
      tone: 'busy',
      text: `${why} It starts again by itself in ${seconds(status.retryInMs)}; your library is safe. If this keeps happening, quit and reopen Photo search.`,
    };
  }
  return { tone: 'problem', text: 'The photo engine has stopped. Quit and reopen Photo search.' };
}
