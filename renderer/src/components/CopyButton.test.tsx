// Copy buttons (use-copy.ts): the label says whether the clipboard took the text, and a new text starts over.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { CopyButton } from './CopyButton';
import { ProjectFolder } from './ProjectFolder';

const written: string[] = [];
function clipboard(allowed: boolean): void {
  Object.defineProperty(navigator, 'clipboard', {
    configurable: true,
    value: {
      writeText: async (t: string) => (allowed ? void written.push(t) : Promise.reject(new DOMException('denied', 'NotAllowedError'))),
    },
  });
}

afterEach(() => {
  cleanup();
  written.length = 0;
});

describe('copying', () => {
  it('CopyButton says copied, then starts over for a new text', async () => {
    clipboard(true);
    const { rerender } = render(<CopyButton text="curl http://x/" label="Copy as curl" />);
    fireEvent.click(screen.getByRole('button'));
    await waitFor(() => expect(screen.getByRole('button').textContent).toBe('Copy as curl ✓'));
    expect(written).toEqual(['curl http://x/']);
    rerender(<CopyButton text="curl http://y/" label="Copy as curl" />);
    expect(screen.getByRole('button').textContent).toBe('Copy as curl');
  });

  it('CopyButton and the project folder say so when the clipboard refuses', async () => {
    clipboard(false);
    render(<CopyButton text="t" label="Copy" />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Copy (not allowed)' }).title).toBe('Could not copy: select the text by hand.'),
    );
    cleanup();
    render(<ProjectFolder appId="blog" folder="/srv/blog" />);
    fireEvent.click(screen.getByRole('button', { name: 'Project folder' }));
    fireEvent.click(screen.getByRole('button', { name: 'Copy path' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Could not copy: select the path above.'));
    clipboard(true);
    fireEvent.click(screen.getByRole('button', { name: 'Copy path' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Copied.'));
    expect(written).toEqual(['/srv/blog']);
  });
});
