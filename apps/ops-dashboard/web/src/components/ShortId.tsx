import { Typography } from 'antd';
import { shortId } from '../format';
import { useT } from '../i18n';

/** An id shortened to 8 characters when it is a UUID (the whole id on hover), with a copy button for the whole id. */
export function ShortId({ id, testId }: { id: string | null | undefined; testId?: string }) {
  const t = useT();
  if (!id) return <>—</>;
  return (
    <Typography.Text title={id} data-testid={testId} style={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}
      copyable={{ text: id, tooltips: [t('copy'), t('copied')] }}>
      {shortId(id)}
    </Typography.Text>
  );
}
