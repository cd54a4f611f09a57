import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Ack } from '../../../shared/protocol';
import { ACK_TIMEOUT_MS, DeliveryQueue, RETRY_DELAY_MS, type DeliveryLink } from './delivery-policy';
import type { OutboxMessage, OutboxStore } from './outbox';

const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const submit = (n: number): OutboxMessage => ({ event: 'flag:submit', payload: { flagId: id(n), cueIndex: 0, kind: 'tension' } });

function memoryStore(): OutboxStore & { saved: OutboxMessage[] } {
  const store = { saved: [] as OutboxMessage[], load: () => store.saved, save: (messages: OutboxMessage[]) => void (store.saved = [...messages]) };
  return store;
}

/** A link whose answers come from a script: an Ack, 'silence' (no acknowledgement), default ok. */
function link(answers: (Ack<unknown> | 'silence')[] = []) {
  const sent: unknown[] = [];
  const fake: DeliveryLink & { connected: boolean; sent: unknown[] } = {
    connected: true,
    sent,
    emitWithAck(_event, payload, timeoutMs) {
      sent.push(payload);
      const answer = answers.shift() ?? { ok: true, data: { duplicate: false } };
      if (answer === 'silence') return new Promise((_resolve, reject) => setTimeout(() => reject(new Error('ack timeout')), timeoutMs));
      return Promise.resolve(answer);
    },
  };
  return fake;
}

afterEach(() => void vi.useRealTimers());

describe('the delivery policy', () => {
  it('sends at once when connected, and keeps messages while offline until the link is back', async () => {
    const remote = link();
    remote.connected = false;
    const queue = new DeliveryQueue(memoryStore(), () => remote);
    queue.send(submit(1));
    queue.send(submit(2));
    await queue.flush();
    expect(remote.sent).toEqual([]);
    expect(queue.size).toBe(2);
    remote.connected = true;
    queue.connected();
    await vi.waitFor(() => expect(queue.size).toBe(0));
    expect(remote.sent).toEqual([submit(1).payload, submit(2).payload]);
  });

  it('drops a final refusal, but retries a rate limit after the retry delay, in order', async () => {
    vi.useFakeTimers();
    const remote = link([
      { ok: false, error: { code: 'flag/invalid_cue', message: 'no' } },
      { ok: false, error: { code: 'rate/limited', message: 'slow down' } },
    ]);
    const attempts: string[] = [];
    const queue = new DeliveryQueue(memoryStore(), () => remote, { onAttempt: (_m, a) => attempts.push(a.outcome) });
    queue.send(submit(1));
    queue.send(submit(2));
    queue.send(submit(3));
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts).toEqual(['refused', 'retry']);
    expect(queue.size).toBe(2);
    await vi.advanceTimersByTimeAsync(RETRY_DELAY_MS - 1);
    expect(remote.sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toEqual(['refused', 'retry', 'acknowledged', 'acknowledged']);
    expect(remote.sent.slice(2)).toEqual([submit(2).payload, submit(3).payload]);
  });

  it('gives up waiting for an acknowledgement after the timeout and sends the same message again', async () => {
    vi.useFakeTimers();
    const remote = link(['silence']);
    const queue = new DeliveryQueue(memoryStore(), () => remote);
    queue.send(submit(1));
    await vi.advanceTimersByTimeAsync(ACK_TIMEOUT_MS + RETRY_DELAY_MS);
    expect(remote.sent).toEqual([submit(1).payload, submit(1).payload]);
    expect(queue.size).toBe(0);
  });

  it('folds an undo of a queued flag away, so the server never hears of it', async () => {
    const remote = link();
    remote.connected = false;
    const queue = new DeliveryQueue(memoryStore(), () => remote);
    queue.send(submit(1));
    queue.send({ event: 'flag:undo', payload: { flagId: id(1) } });
    expect(queue.size).toBe(0);
  });

  it('stops retrying once disposed', async () => {
    vi.useFakeTimers();
    const remote = link([{ ok: false, error: { code: 'server/internal', message: 'oops' } }]);
    const queue = new DeliveryQueue(memoryStore(), () => remote);
    queue.send(submit(1));
    await vi.advanceTimersByTimeAsync(0);
    queue.dispose();
    await vi.advanceTimersByTimeAsync(RETRY_DELAY_MS * 3);
    expect(remote.sent).toHaveLength(1);
  });
});
