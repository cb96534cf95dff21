/**
 * A placeholder until the table board and facilitator views land: it says what Samla is
 * and that the server is running, in Swedish and English.
 */
export function App() {
  return (
    <main className="placeholder">
      <h1>Samla</h1>
      <p lang="sv">Servern är igång. Borden, facilitatorns vy och skärmen kommer snart.</p>
      <p lang="en">The server is running. The table board, facilitator view and screen are coming soon.</p>
    </main>
  );
}
