// Models: the library table and import (replaced by the Models screen work).
export function ModelsPage() {
  return <section className="page" />;
}
