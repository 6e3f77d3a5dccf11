export interface Notice {
  id: number;
  text: string;
  tone: 'info' | 'warning';
}

const VISIBLE_MS = 5000;

/** Short messages that confirm an action or explain why one is not possible here. */
export class Notices {
  items = $state<Notice[]>([]);
  private nextId = 1;

  show(text: string, tone: Notice['tone'] = 'info'): void {
    const id = this.nextId++;
    this.items = [...this.items.filter((n) => n.text !== text), { id, text, tone }];
    setTimeout(() => this.dismiss(id), VISIBLE_MS);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((n) => n.id !== id);
  }
}
