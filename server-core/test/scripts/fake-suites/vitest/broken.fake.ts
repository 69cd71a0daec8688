import { it } from 'vitest';

throw new Error('this file fails to load');
it('never collected', () => {});
