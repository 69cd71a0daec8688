// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { parseRoute } from '../app/router';
import { routeAfterToken, tokenFromUrl } from './connection';

const T = 'ab'.repeat(32);

describe('the token in a gantry ui link', () => {
  it('is read from the fragment (and from ?token= of older links), nothing else', () => {
    expect(tokenFromUrl(new URL(`http://127.0.0.1:5000/#token=${T}`))).toBe(T);
    expect(tokenFromUrl(new URL(`http://127.0.0.1:5000/?token=${T}`))).toBe(T);
    expect(tokenFromUrl(new URL('http://127.0.0.1:5000/#/apps/x/requests'))).toBeNull();
    expect(tokenFromUrl(new URL('http://127.0.0.1:5000/#token=<script>'))).toBeNull();
    // The printed link with a route appended.
    expect(tokenFromUrl(new URL(`http://127.0.0.1:5000/#token=${T}#/apps/x/requests`))).toBe(T);
    expect(routeAfterToken(`#token=${T}#/apps/x/requests`)).toBe('#/apps/x/requests');
    expect(routeAfterToken(`#token=${T}`)).toBe('#/');
    expect(routeAfterToken('#/add')).toBe('#/add');
    expect(parseRoute(`#token=${T}#/apps/x/requests`)).toEqual({ name: 'app', id: 'x', tab: 'requests' });
  });
});
