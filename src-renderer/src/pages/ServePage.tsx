// Serve: endpoint control and live view (replaced by the Serve screen work).
export function ServePage() {
  return <section className="page" />;
}
