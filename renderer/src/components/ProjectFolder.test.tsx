// The app header's project folder: the path + Copy in a browser; in the desktop app also terminal and editor,
// which send the app's id (main looks the folder up), never the path.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ProjectFolder } from './ProjectFolder';

afterEach(() => {
  cleanup();
  delete window.gantry;
});

describe('ProjectFolder', () => {
  it('in a browser shows the path and Copy only', () => {
    render(<ProjectFolder appId="blog" folder="/srv/blog" />);
    fireEvent.click(screen.getByRole('button', { name: 'Project folder' }));
    expect(screen.getByTestId('project-folder-path').textContent).toBe('/srv/blog');
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['Project folder', 'Copy path']);
  });

  it('in the desktop app opens a terminal and the editor by app id, and says why when it cannot', async () => {
    const calls: string[] = [];
    window.gantry = {
      openTerminal: async (id) => void calls.push(`terminal ${id}`),
      openEditor: async (id) => {
        calls.push(`editor ${id}`);
        throw new Error('no editor found: set $VISUAL or $EDITOR');
      },
    };
    render(<ProjectFolder appId="blog" folder="/srv/blog" />);
    fireEvent.click(screen.getByRole('button', { name: 'Project folder' }));
    fireEvent.click(screen.getByRole('button', { name: 'Open in terminal' }));
    fireEvent.click(screen.getByRole('button', { name: 'Open in editor' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/no editor found/));
    expect(calls).toEqual(['terminal blog', 'editor blog']);
  });
});
