// Models: the library table (versions, stages, sizes, what is served where), and importing models by button or
// by dropping .onnx files anywhere on the page, with each import's progress and outcome.
import { Empty, ErrorBox, Loading } from '../components/States';
import { DropZone, ImportButton, ImportList } from '../models/ImportPanel';
import { useImports } from '../models/importsStore';
import { useNotice } from '../models/notice';
import { LibraryTable } from '../models/LibraryTable';
import { useFileDrop } from '../models/useFileDrop';
import { useApp } from '../store/appStore';

export function ModelsPage() {
  const models = useApp((s) => s.models);
  const modelsError = useApp((s) => s.modelsError);
  const serving = useApp((s) => s.serving);
  const client = useApp((s) => s.client);
  const refreshModels = useApp((s) => s.refreshModels);
  const upload = useImports((s) => s.upload);
  const notice = useNotice((s) => s.notice);
  const clearNotice = useNotice((s) => s.clear);
  const drop = useFileDrop((files) => {
    if (client) for (const file of files) upload(client, file);
  });
  const versionCount = models?.reduce((n, m) => n + m.versions.length, 0) ?? 0;

  return (
    <section
      className={`page models-page${drop.dragging ? ' dragging' : ''}`}
      aria-labelledby="models-title"
      {...drop.handlers}
    >
      <h1 id="models-title">Models</h1>
      {notice && (
        <div className="notice" role="status" data-testid="notice">
          {notice}
          <button type="button" onClick={clearNotice}>
            Dismiss
          </button>
        </div>
      )}
      <div className="toolbar">
        <ImportButton />
        <span className="hint">
          ONNX files (.onnx). The same file imported twice is recognised and not stored again.
        </span>
        {models && models.length > 0 && (
          <span className="muted toolbar-end">
            {models.length} {models.length === 1 ? 'model' : 'models'}, {versionCount}{' '}
            {versionCount === 1 ? 'version' : 'versions'}
          </span>
        )}
      </div>
      <DropZone dragging={drop.dragging} />
      <ImportList />
      {modelsError !== null && models === null ? (
        <ErrorBox error={modelsError} onRetry={() => void refreshModels()} />
      ) : models === null ? (
        <Loading what="the library" />
      ) : (
        <>
          {modelsError !== null && <ErrorBox error={modelsError} onRetry={() => void refreshModels()} />}
          {models.length === 0 ? (
            <Empty title="The library is empty">
              Import an ONNX model with the “Import model…” button, or drop a .onnx file on this page.
            </Empty>
          ) : (
            <LibraryTable models={models} serving={serving} />
          )}
        </>
      )}
    </section>
  );
}
