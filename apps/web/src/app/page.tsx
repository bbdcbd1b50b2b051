export default function HomePage() {
  return (
    <main>
      <h1>Rekey</h1>
      <p>
        <a href="/forgot-password">忘记密码</a>
      </p>
    </main>
  );
}
