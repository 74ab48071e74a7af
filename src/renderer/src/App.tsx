export function App() {
  return (
    <main className="placeholder">
      <h1>Delegator Monitor</h1>
      <p>
        The dashboard is on its way. Meanwhile <code>npm run cli -- status</code> shows the live sessions, agents and
        memory.
      </p>
    </main>
  );
}
