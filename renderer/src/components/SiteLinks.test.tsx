// The named URLs of an app: https first, then http, each a link that opens outside Gantry; nothing when the
// router is off or the app has no names.
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SiteLinks } from './SiteLinks';

afterEach(cleanup);

describe('SiteLinks', () => {
  it('lists https then http URLs as external links', () => {
    const { container } = render(<SiteLinks sites={{ https: ['https://shop.localhost:8443/'], http: ['http://shop.localhost:8480/'] }} />);
    const links = [...container.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://shop.localhost:8443/', 'http://shop.localhost:8480/']);
    expect(links.every((a) => a.getAttribute('target') === '_blank')).toBe(true);
  });

  it('renders nothing when the router is off', () => {
    expect(render(<SiteLinks sites={null} />).container.innerHTML).toBe('');
    expect(render(<SiteLinks sites={undefined} />).container.innerHTML).toBe('');
  });
});
