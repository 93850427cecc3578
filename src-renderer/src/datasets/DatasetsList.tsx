// Stored datasets, newest first: open one for its profile, or delete it.
import type { DatasetSummary } from '../../../src-shared/contract';
import { formatCount } from '../../../src-shared/units';
import { ConfirmDelete } from '../components/ConfirmDelete';
import { DataTable } from '../components/DataTable';
import { Empty, NotLoaded } from '../components/States';
import { formatDate } from '../loadtest/describe';
import { comparePath } from '../router';
import { useApp } from '../store/appStore';

export function DeleteDatasetButton({ dataset, onDeleted }: { dataset: DatasetSummary; onDeleted?: () => void }) {
  const refresh = useApp((s) => s.refreshDatasets);
  return (
    <ConfirmDelete
      name={dataset.name}
      testId="delete-dataset"
      confirmTestId="confirm-delete-dataset"
      onDelete={async (client) => {
        await client.call('removeDataset', { params: { id: dataset.id } });
        await refresh();
        onDeleted?.();
      }}
    />
  );
}

export function DatasetsList() {
  const datasets = useApp((s) => s.datasets);
  const error = useApp((s) => s.datasetsError);
  const refresh = useApp((s) => s.refreshDatasets);
  if (datasets === null) return <NotLoaded error={error} onRetry={() => void refresh()} what="datasets" />;
  if (datasets.length === 0)
    return (
      <Empty title="No datasets yet">
        Import a JSON Lines or CSV file above; the demo files are in the app&apos;s <code>resources/data</code> folder.
      </Empty>
    );
  return (
    <DataTable
      className="datasets-table"
      testId="datasets-table"
      caption="Datasets, newest first"
      columns={[
        'Name',
        'Format',
        { label: 'Rows', num: true },
        'Inputs',
        { label: 'Features', num: true },
        'Label',
        'Source',
        'Imported',
        { label: 'Actions', hidden: true },
      ]}
    >
      {datasets.map((d) => (
        <tr key={d.id} data-testid="dataset-row" data-dataset={d.name}>
          <td className="run-name">
            <a href={comparePath({ kind: 'dataset', id: d.id })} data-testid="open-dataset">
              {d.name}
            </a>
          </td>
          <td>{d.format.toUpperCase()}</td>
          <td className="num">{formatCount(d.rows)}</td>
          <td>{d.inputs.join(', ')}</td>
          <td className="num">{d.features}</td>
          <td>{d.hasLabel ? 'yes' : 'no'}</td>
          <td className="source-cell" title={d.source}>
            {d.source.split(/[\\/]/).pop()}
          </td>
          <td className="nowrap">{formatDate(d.createdAt)}</td>
          <td>
            <DeleteDatasetButton dataset={d} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
