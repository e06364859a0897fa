import { Typography } from 'antd';
import { useEffect, useState } from 'react';
import { countdown } from '../format';
import { useT } from '../i18n';

/** The time now, every `everyMs`: one timer per clock on the page. */
export function useNow(everyMs = 1_000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** Time left to a deadline, ticking each second: red under a day, "overdue" once it has passed. */
export function Countdown({ deadline, testId }: { deadline: string | null | undefined; testId?: string }) {
  const t = useT();
  const now = useNow();
  const left = countdown(deadline, now);
  if (!left) return <>—</>;
  return (
    <Typography.Text type={left.urgency === 'NORMAL' ? undefined : 'danger'} strong={left.urgency === 'OVERDUE'} data-testid={testId} data-urgency={left.urgency}>
      {left.urgency === 'OVERDUE' ? t('overdue') : left.text}
    </Typography.Text>
  );
}
