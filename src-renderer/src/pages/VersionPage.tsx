// One version: inspection, stage and notes, Try it (replaced by the Models screen work).
export function VersionPage(_props: { name: string; version: number }) {
  return <section className="page" />;
}
