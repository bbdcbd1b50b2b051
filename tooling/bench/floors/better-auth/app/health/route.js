// The bench waits for this before loading the floor.
export function GET() {
  return new Response("ok");
}
