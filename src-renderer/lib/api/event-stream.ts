export interface StreamEvent {
  name: string;
  data: string;
}

/**
 * Splits server-sent events (the text/event-stream format of the HTML standard)
 * out of text that arrives in arbitrary pieces: `event:` names an event, `data:`
 * lines make its data, a blank line ends it; comments and `retry:` are skipped.
 * Events without data are dropped, as an EventSource would.
 */
export class EventStreamParser {
  private buffer = '';
  private name = '';
  private data: string[] = [];

  push(text: string): StreamEvent[] {
    this.buffer += text;
    const events: StreamEvent[] = [];
    let end: number;
    while ((end = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + (this.buffer.startsWith('\r\n', end) ? 2 : 1));
      if (line === '') {
        if (this.data.length) events.push({ name: this.name || 'message', data: this.data.join('\n') });
        this.name = '';
        this.data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') this.name = value;
      else if (field === 'data') this.data.push(value);
    }
    return events;
  }
}
