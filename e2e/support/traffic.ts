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

/** `total` GETs over `concurrency` parallel connections, as fast as the app answers. */
export async function burst(url: string, total: number, concurrency: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < total) {
      next++;
      const r = await fetch(url);
      await r.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}
