import type { ServerResponse } from 'node:http';
import type { ApiErrorBody } from '../core/api/contract.ts';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': data.length, 'Cache-Control': 'no-store' });
  res.end(data);
}

export function sendError(res: ServerResponse, status: number, body: ApiErrorBody): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, body);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  const data = Buffer.from(text);
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': data.length, 'Cache-Control': 'no-store', ...headers });
  res.end(data);
}
