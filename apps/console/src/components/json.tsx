/**
 * A JSON value as formatted text. Preact puts strings into text nodes, never markup: an event whose payload
 * holds `<script>` shows those characters and runs nothing.
 */
export function Json({ value, label }: { value: unknown; label: string }) {
  return (
    <pre class="json" aria-label={label} tabIndex={0}>
      {JSON.stringify(value, null, 2) ?? 'undefined'}
    </pre>
  );
}
