import { describe, expect, it } from 'vitest';
import { Outbox, type Delivery, type OutboxMessage, type OutboxStore } from './outbox';

const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const submit = (n: number): OutboxMessage => ({ event: 'flag:submit', payload: { flagId: id(n), cueIndex: 0, kind: 'tension' } });

function memoryStore(initial: OutboxMessage[] = []): OutboxStore & { saved: OutboxMessage[] } {
  const store = {
    saved: initial,
    load: () => structuredClone(store.saved),
    save: (messages: OutboxMessage[]) => (store.saved = structuredClone(messages)),
  };
  return store;
}

/** A server stand-in that records deliveries and answers from a script. */
function server(answers: Delivery[] = []) {
  const delivered: OutboxMessage[] = [];
  return {
    delivered,
    deliver: async (message: OutboxMessage): Promise<Delivery> => {
      delivered.push(message);
      return answers.shift() ?? 'done';
    },
  };
}

describe('the outbox', () => {
  it('sends in order and empties itself as the server acknowledges', async () => {
    const store = memoryStore();
    const remote = server();
    const outbox = new Outbox(store, remote.deliver);
    outbox.add(submit(1));
    outbox.add(submit(2));
    expect(store.saved).toHaveLength(2);
    await outbox.flush();
    expect(remote.delivered.map((m) => m.payload)).toEqual([submit(1).payload, submit(2).payload]);
    expect(outbox.size).toBe(0);
    expect(store.saved).toEqual([]);
  });

  it('keeps a message that failed and retries it, with the same id, on the next flush', async () => {
    const remote = server(['retry']);
    const outbox = new Outbox(memoryStore(), remote.deliver);
    outbox.add(submit(1));
    outbox.add(submit(2));
    await outbox.flush();
    expect(outbox.size).toBe(2);
    await outbox.flush();
    expect(remote.delivered.map((m) => (m.payload as { flagId: string }).flagId)).toEqual([id(1), id(1), id(2)]);
    expect(outbox.size).toBe(0);
  });

  it('survives a reload: what was saved is loaded and sent', async () => {
    const store = memoryStore();
    new Outbox(store, server(['retry']).deliver).add(submit(3));
    const remote = server();
    const reloaded = new Outbox(store, remote.deliver);
    expect(reloaded.size).toBe(1);
    await reloaded.flush();
    expect(remote.delivered).toEqual([submit(3)]);
  });

  it('folds an undo of a queued flag away: the server never hears of either', async () => {
    const remote = server();
    const outbox = new Outbox(memoryStore(), remote.deliver);
    outbox.add(submit(1));
    outbox.add({ event: 'flag:undo', payload: { flagId: id(1) } });
    await outbox.flush();
    expect(remote.delivered).toEqual([]);
  });

  it('folds a detail into its queued flag, and sends a detail of a sent flag on its own', async () => {
    const remote = server();
    const outbox = new Outbox(memoryStore(), remote.deliver);
    outbox.add(submit(1));
    outbox.add({ event: 'flag:detail', payload: { flagId: id(1), region: 'neck', strength: 2 } });
    await outbox.flush();
    outbox.add({ event: 'flag:detail', payload: { flagId: id(1), strength: 3 } });
    await outbox.flush();
    expect(remote.delivered).toEqual([
      { event: 'flag:submit', payload: { flagId: id(1), cueIndex: 0, kind: 'tension', region: 'neck', strength: 2 } },
      { event: 'flag:detail', payload: { flagId: id(1), strength: 3 } },
    ]);
  });

  it('sends a detail and an undo made while their flag is on its way after it, not folded into it', async () => {
    const delivered: OutboxMessage[] = [];
    let acknowledge = () => {};
    const outbox = new Outbox(memoryStore(), (message) => {
      delivered.push(structuredClone(message));
      return new Promise<Delivery>((resolve) => (acknowledge = () => resolve('done')));
    });
    outbox.add(submit(1));
    const flushed = outbox.flush();
    // The flag has left; the server's ack has not come back yet.
    outbox.add({ event: 'flag:detail', payload: { flagId: id(1), region: 'neck' } });
    outbox.add({ event: 'flag:undo', payload: { flagId: id(1) } });
    acknowledge();
    await new Promise((resolve) => setTimeout(resolve, 0));
    acknowledge();
    await new Promise((resolve) => setTimeout(resolve, 0));
    acknowledge();
    await flushed;
    expect(delivered).toEqual([
      submit(1),
      { event: 'flag:detail', payload: { flagId: id(1), region: 'neck' } },
      { event: 'flag:undo', payload: { flagId: id(1) } },
    ]);
    expect(outbox.size).toBe(0);
  });

  it('does not send twice when flushed twice at once', async () => {
    const remote = server();
    const outbox = new Outbox(memoryStore(), remote.deliver);
    outbox.add(submit(1));
    await Promise.all([outbox.flush(), outbox.flush()]);
    expect(remote.delivered).toHaveLength(1);
  });

  it('reports its size on every change', () => {
    const sizes: number[] = [];
    const outbox = new Outbox(memoryStore(), server().deliver, (size) => sizes.push(size));
    outbox.add(submit(1));
    outbox.add({ event: 'flag:undo', payload: { flagId: id(1) } });
    expect(sizes).toEqual([1, 0]);
  });
});
