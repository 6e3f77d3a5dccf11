import { EventEmitter } from 'node:events';
import type { EngineEvents } from './contract.ts';

/** A typed event emitter for the contract's events; listeners get data only. */
export class EngineEventBus {
  private readonly emitter = new EventEmitter();

  on<E extends keyof EngineEvents>(event: E, listener: (data: EngineEvents[E]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  emit<E extends keyof EngineEvents>(event: E, data: EngineEvents[E]): void {
    this.emitter.emit(event, data);
  }
}
