// Screens whose engine side has not been built yet say so plainly instead of pretending.
export function ComingNextPage({ title }: { title: string }) {
  return (
    <section className="page" aria-labelledby="coming-title">
      <h1 id="coming-title">{title}</h1>
      <p className="state empty">
        Coming next: this screen arrives with its engine work. The CLI and the endpoint work today.
      </p>
    </section>
  );
}
