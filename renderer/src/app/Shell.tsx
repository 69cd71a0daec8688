// The frame around every screen: top bar with navigation and the live-connection indicator, the notice
// banner, then the routed screen.
import { useEffect, useRef } from 'react';
import { useStore } from '../state/external-store';
import { NoticeBanner } from '../components/NoticeBanner';
import { AppsOverview } from '../screens/overview/AppsOverview';
import { AddAppScreen } from '../screens/add/AddAppScreen';
import { AppDetail } from '../screens/detail/AppDetail';
import { useLive } from './live-context';
import { href, useRoute } from './router';
import { ConnectionIndicator } from '../components/ConnectionIndicator';

export function Shell() {
  const route = useRoute();
  const live = useLive();
  const { stream, apps } = useStore(live.apps);
  const current = route;
  const appName = current.name === 'app' ? (apps.find((a) => a.definition.id === current.id)?.definition.name ?? current.id) : null;
  const title =
    current.name === 'overview'
      ? 'Apps'
      : current.name === 'add'
        ? 'Add an app'
        : `${appName} · ${current.tab[0]!.toUpperCase()}${current.tab.slice(1)}`;
  // Screen readers and the window list say where you are.
  useEffect(() => {
    document.title = `${title} — Gantry`;
  }, [title]);

  // Moving to another screen moves focus to its heading, so a screen reader announces where you are and Tab
  // starts from the top of the new content (not from the link that was clicked). Tabs within an app keep focus.
  const screenKey = current.name === 'app' ? `app:${current.id}` : current.name;
  const lastScreen = useRef(screenKey);
  useEffect(() => {
    if (lastScreen.current === screenKey) return;
    lastScreen.current = screenKey;
    const frame = requestAnimationFrame(() => {
      // A screen that already put focus somewhere on purpose (a link to its error box) keeps it.
      const active = document.activeElement;
      const main = document.getElementById('main');
      if (active && main && active !== main && main.contains(active)) return;
      const h1 = document.querySelector<HTMLElement>('#main h1');
      const target = h1 ?? document.getElementById('main');
      if (!target) return;
      if (h1 && !h1.hasAttribute('tabindex')) h1.setAttribute('tabindex', '-1');
      target.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [screenKey]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href={href({ name: 'overview' })} aria-label="Gantry, all apps">
          <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M3 20V8l9-5 9 5v12" fill="none" stroke="currentColor" strokeWidth="2" strokeLinejoin="round" />
            <path d="M7 20v-7h10v7M7 16h10" fill="none" stroke="currentColor" strokeWidth="2" />
          </svg>
          <span>Gantry</span>
        </a>
        <nav className="topnav" aria-label="Main">
          <a href={href({ name: 'overview' })} aria-current={current.name === 'overview' || current.name === 'app' ? 'page' : undefined}>
            Apps
          </a>
          <a href={href({ name: 'add' })} aria-current={current.name === 'add' ? 'page' : undefined}>
            Add app
          </a>
        </nav>
        <div className="spacer" />
        <ConnectionIndicator state={stream} />
      </header>
      <NoticeBanner />
      <main id="main" className="main" tabIndex={-1}>
        {current.name === 'overview' && <AppsOverview />}
        {current.name === 'add' && <AddAppScreen />}
        {current.name === 'app' && <AppDetail key={current.id} route={current} />}
      </main>
    </div>
  );
}
