import { App as AntApp, Button, ConfigProvider, Layout, Menu, Segmented, Space, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, StrictMode, Suspense, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { themeFor } from './accessible-theme';
import { call, type Me } from './api';
import { LangContext, useT, type Lang } from './i18n';
import { SignIn } from './pages/SignIn';

// Each page is its own chunk, fetched when it is first opened: a cold load fetches only the shell and
// the sign-in form (tools/dashboard/check-bundle-size.ts holds that under 300 kB gzipped).
const Overview = lazy(() => import('./pages/Overview').then((m) => ({ default: m.Overview })));
const Merchants = lazy(() => import('./pages/Merchants').then((m) => ({ default: m.Merchants })));
const MerchantPage = lazy(() => import('./pages/Merchants').then((m) => ({ default: m.MerchantPage })));
const ReviewQueue = lazy(() => import('./pages/ReviewQueue').then((m) => ({ default: m.ReviewQueue })));
const DeadLetters = lazy(() => import('./pages/DeadLetters').then((m) => ({ default: m.DeadLetters })));
const Rules = lazy(() => import('./pages/Rules').then((m) => ({ default: m.Rules })));
const Access = lazy(() => import('./pages/Access').then((m) => ({ default: m.Access })));
const DecisionExplanation = lazy(() => import('./pages/DecisionExplanation').then((m) => ({ default: m.DecisionExplanation })));

/**
 * Who is signed in, from the dashboard server's GET /session: 200 {signedIn: false} without a session,
 * where the api's GET /v1/auth/me answers 401 (which the browser logs as an error on every cold load).
 */
async function currentOperator(): Promise<Me | null> {
  const response = await fetch('/session', { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`GET /session: HTTP ${response.status}`);
  const session = (await response.json()) as { signedIn: false } | ({ signedIn: true } & Me);
  return session.signedIn ? { subject: session.subject, roles: session.roles } : null;
}

type Page = { name: 'overview' | 'merchants' | 'reviewQueue' | 'deadLetters' | 'rules' | 'access' } | { name: 'merchant'; merchantId: string } | { name: 'decision'; decisionId: string };

/** The page in the URL hash (#/merchants/m-1), so a page can be linked and reloaded. */
function pageFromHash(): Page {
  const [, first, second] = window.location.hash.split('/');
  if (first === 'merchants' && second) return { name: 'merchant', merchantId: decodeURIComponent(second) };
  if (first === 'decisions' && second) return { name: 'decision', decisionId: decodeURIComponent(second) };
  if (first === 'merchants' || first === 'reviewQueue' || first === 'deadLetters' || first === 'rules' || first === 'access') return { name: first };
  return { name: 'overview' };
}

function Shell({ me, lang, setLang, signOut }: { me: Me; lang: Lang; setLang: (l: Lang) => void; signOut: () => void }) {
  const t = useT();
  const [page, setPage] = useState<Page>(pageFromHash);
  useEffect(() => {
    const onHash = () => setPage(pageFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const go = (hash: string) => (window.location.hash = hash);
  const canReview = me.roles.some((r) => r === 'reviewer' || r === 'admin');
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 24 }}>
        <span style={{ color: '#fff', fontWeight: 600 }}>Penalty platform</span>
        <nav aria-label={t('mainMenu')} style={{ flex: 1, minWidth: 0 }}>
          <Menu theme="dark" mode="horizontal" selectedKeys={[page.name === 'merchant' || page.name === 'decision' ? 'merchants' : page.name]}
            onClick={(e) => go(`#/${e.key}`)}
            items={[
              { key: 'overview', label: t('overview') },
              { key: 'merchants', label: t('merchants') },
              ...(canReview ? [{ key: 'reviewQueue', label: t('reviewQueue') }] : []),
              { key: 'deadLetters', label: t('deadLetters') },
              { key: 'rules', label: t('rules') },
              ...(me.roles.includes('admin') ? [{ key: 'access', label: t('access') }] : []),
            ]} />
        </nav>
        <Space>
          <Segmented value={lang} onChange={(v) => setLang(v as Lang)} options={[{ value: 'zh', label: '中文' }, { value: 'en', label: 'EN' }]} />
          <span style={{ color: '#fff' }} data-testid="me">{me.subject} ({me.roles.join(', ')})</span>
          <Button size="small" onClick={signOut}>{t('signOut')}</Button>
        </Space>
      </Layout.Header>
      <Layout.Content style={{ padding: 24 }}>
        <Suspense fallback={<Spin style={{ marginTop: 120, width: '100%' }} />}>
          {page.name === 'overview' && <Overview />}
          {page.name === 'merchants' && <Merchants open={(id) => go(`#/merchants/${encodeURIComponent(id)}`)} />}
          {page.name === 'merchant' && <MerchantPage merchantId={page.merchantId} me={me} />}
          {page.name === 'reviewQueue' && <ReviewQueue me={me} />}
          {page.name === 'deadLetters' && <DeadLetters me={me} />}
          {page.name === 'rules' && <Rules me={me} />}
          {page.name === 'access' && <Access me={me} />}
          {page.name === 'decision' && <DecisionExplanation decisionId={page.decisionId} />}
        </Suspense>
      </Layout.Content>
    </Layout>
  );
}

/** The operating system's "reduce motion" setting (WCAG 2.3.3), followed while the page is open. */
function usePrefersReducedMotion(): boolean {
  const query = '(prefers-reduced-motion: reduce)';
  const [reduced, setReduced] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const media = window.matchMedia(query);
    const changed = () => setReduced(media.matches);
    media.addEventListener('change', changed);
    return () => media.removeEventListener('change', changed);
  }, []);
  return reduced;
}

function Root() {
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem('lang') as Lang) ?? 'zh');
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => void currentOperator().then(setMe).catch(() => setMe(null)), []);
  useEffect(() => {
    localStorage.setItem('lang', lang);
    // Screen readers pick their voice, and axe checks the page, by the document's language.
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  const reducedMotion = usePrefersReducedMotion();
  const signOut = () => void call('api', '/v1/auth/sign-out', {}).finally(() => setMe(null));
  return (
    <LangContext.Provider value={lang}>
      <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={themeFor(reducedMotion)}>
        <AntApp>
          {me === undefined ? <Spin style={{ marginTop: 200, width: '100%' }} /> : me === null ? <main><SignIn onSignedIn={setMe} /></main> : <Shell me={me} lang={lang} setLang={setLang} signOut={signOut} />}
        </AntApp>
      </ConfigProvider>
    </LangContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
