import { Alert, Button, Card, Divider, Form, Input } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError, call, type Me } from '../api';
import { useCodes, useT } from '../i18n';

interface SignInMethods {
  password: boolean;
  identityProvider: { name: string; authorizePath: string } | null;
}

/** Why the identity provider's sign-in came back refused (the api's redirect says ?signInError=CODE), once: the address is cleaned. */
function takeSignInError(): string | undefined {
  const url = new URL(window.location.href);
  const code = url.searchParams.get('signInError') ?? undefined;
  if (code) {
    url.searchParams.delete('signInError');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  return code;
}

export function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const t = useT();
  const codes = useCodes();
  const [error, setError] = useState<string>();
  const [refusedCode] = useState(takeSignInError);
  const [methods, setMethods] = useState<SignInMethods>();
  useEffect(() => {
    call<SignInMethods>('api', '/v1/auth/methods').then(setMethods, () => setMethods(undefined));
  }, []);
  const submit = async (values: { username: string; password: string }) => {
    setError(undefined);
    try {
      const session = await call<{ username: string; roles: Me['roles'] }>('api', '/v1/auth/sign-in', values);
      onSignedIn({ subject: session.username, roles: session.roles });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const provider = methods?.identityProvider;
  // Back to this page (its route) after the provider's sign-in.
  const returnTo = window.location.pathname + window.location.hash;
  const shown = error ?? (refusedCode ? codes('problem', refusedCode) : undefined);
  return (
    <Card title={t('signIn')} style={{ maxWidth: 380, margin: '120px auto' }}>
      {shown && <Alert type="error" message={shown} style={{ marginBottom: 16 }} data-testid="sign-in-error" />}
      {provider && (
        <>
          <Button block size="large" href={`/svc/api${provider.authorizePath}?returnTo=${encodeURIComponent(returnTo)}`} data-testid="sign-in-oidc">
            {t('signInWith')} {provider.name}
          </Button>
          <Divider plain>{t('orLocalAccount')}</Divider>
        </>
      )}
      <Form layout="vertical" onFinish={submit}>
        <Form.Item name="username" label={t('username')} rules={[{ required: true }]}>
          <Input autoComplete="username" id="username" />
        </Form.Item>
        <Form.Item name="password" label={t('password')} rules={[{ required: true }]}>
          <Input.Password autoComplete="current-password" id="password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block id="sign-in">
          {t('signIn')}
        </Button>
      </Form>
    </Card>
  );
}
