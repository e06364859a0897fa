import { useCodes, type CodeGroup } from '../i18n';

/** A code in the page's language, the code itself on hover (and for screen readers' title). */
export function EnumText({ kind, value }: { kind: CodeGroup; value: string | null | undefined }) {
  const codes = useCodes();
  if (value === null || value === undefined || value === '') return <>—</>;
  return <span title={value} data-code={value}>{codes(kind, value)}</span>;
}
