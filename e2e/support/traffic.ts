// Sends requests to the hosted app the way a browser or curl would (the UI is only the observer).
export async function send(url: string, times = 1): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) {
    const r = await fetch(url);
    await r.arrayBuffer();
    statuses.push(r.status);
  }
  return statuses;
}
