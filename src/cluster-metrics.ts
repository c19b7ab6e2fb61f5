// With WORKERS above 1, /metrics describes the whole server, not only the worker that took the scrape's
// connection (a counter read from one worker, then another, would jump back and forth): the worker asks the
// primary, which gathers every worker's registry through prom-client's AggregatorRegistry (counters and
// histograms summed, the runtime's gauges as prom-client aggregates each) and answers the text.
import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const ASK = 'glc:metrics-request';
const ANSWER = 'glc:metrics-answer';

interface MetricsMessage {
  type: typeof ASK | typeof ANSWER;
  id: number;
  text?: string;
}

function isMessage(message: unknown, type: MetricsMessage['type']): message is MetricsMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

/** The primary: answers each worker's request with the metrics of all the workers. */
export function answerMetricsRequests(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage(message, ASK)) return;
    const answer = (text: string | undefined) => worker.send({ type: ANSWER, id: message.id, text } satisfies MetricsMessage);
    aggregator.clusterMetrics().then(answer, () => answer(undefined));
  });
}

/**
 * A worker: shares `registry` with the primary's gatherings and answers how to read the whole server's metrics.
 * Should the primary not answer, the worker's own metrics are served rather than an error.
 */
export function clusterMetricsOf(registry: Registry): () => Promise<string> {
  AggregatorRegistry.setRegistries([registry]);
  // Its constructor is what makes this worker answer the primary's gatherings.
  new AggregatorRegistry();
  const pending = new Map<number, (text: string | undefined) => void>();
  let next = 0;
  process.on('message', (message: unknown) => {
    if (!isMessage(message, ANSWER)) return;
    pending.get(message.id)?.(message.text);
    pending.delete(message.id);
  });
  return async () => {
    const id = next++;
    const text = await new Promise<string | undefined>((resolve) => {
      pending.set(id, resolve);
      process.send?.({ type: ASK, id } satisfies MetricsMessage);
    });
    return text ?? registry.metrics();
  };
}
