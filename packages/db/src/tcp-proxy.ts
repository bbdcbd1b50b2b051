import { createServer, connect, type Server, type Socket } from "node:net";

/** Where the proxy forwards to. */
export interface ProxyUpstream {
  host: string;
  port: number;
}

/**
 * A TCP proxy on 127.0.0.1 in front of a real server, for fault tests: the network between the app and its
 * database, which a test can cut, black-hole and restore.
 */
export interface TcpProxy {
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's (`postgres://…@127.0.0.1:<port>/db`). */
  url(url: string): string;
  /** The server went away: new connections are refused, open ones are closed. */
  cut(): Promise<void>;
  /**
   * A partition: connections are accepted but nothing is forwarded either way, and nothing is closed. Open
   * connections go silent for good (as after a failover or a lost NAT entry: the peer they knew is gone),
   * also after `restore()`; the server side of them stays open, as the server would not know either.
   */
  blackhole(): void;
  /**
   * A congested link: connections are accepted and bytes are held, not lost; `restore()` delivers them and
   * traffic flows again (connections stay open throughout).
   */
  stall(): void;
  /** Forwards again (after `cut`, `blackhole` or `stall`). */
  restore(): Promise<void>;
  /** Connections from clients currently open (silent ones included). */
  readonly connections: number;
  /** Closes everything; the proxy is not usable afterwards. */
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream?: Socket;
  /** Black-holed: never forwards again. */
  silent: boolean;
  /** While stalled: what is held back, in order, for each destination. */
  held?: Array<[Socket, Buffer]>;
}

/** Copies `from` to `to` while the pair is not silent, with backpressure. */
function forward(pair: Pair, from: Socket, to: Socket): void {
  from.on("data", (chunk: Buffer) => {
    if (pair.silent || to.destroyed) return;
    if (pair.held) {
      pair.held.push([to, chunk]);
    } else if (!to.write(chunk)) {
      from.pause();
      to.once("drain", () => from.resume());
    }
  });
}

/** Starts a proxy on an ephemeral port of 127.0.0.1 forwarding to `upstream`. */
export async function startTcpProxy(upstream: ProxyUpstream): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let mode: "open" | "blackhole" | "stall" | "cut" = "open";

  const server: Server = createServer((client) => {
    const pair: Pair = { client, silent: mode === "blackhole", held: mode === "stall" ? [] : undefined };
    pairs.add(pair);
    client.on("error", () => {});
    client.on("close", () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    });
    if (pair.silent) {
      // Accepted, read and dropped: the client waits for an answer that never comes.
      client.resume();
      return;
    }
    const up = connect(upstream.port, upstream.host);
    pair.upstream = up;
    up.unref();
    up.on("error", () => {});
    // A silent pair's client must not learn that the server side closed (it cannot, in a partition).
    up.on("close", () => {
      if (!pair.silent) client.destroy();
    });
    forward(pair, client, up);
    forward(pair, up, client);
  });
  // Sockets of a silent pair must not keep a test process alive.
  server.on("connection", (socket) => socket.unref());

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as { port: number }).port;

  const destroyAll = () => {
    for (const pair of pairs) {
      pair.client.destroy();
      pair.upstream?.destroy();
    }
    pairs.clear();
  };

  return {
    port,
    url(url) {
      const parsed = new URL(url);
      parsed.hostname = "127.0.0.1";
      parsed.port = String(port);
      return parsed.toString();
    },
    async cut() {
      if (mode === "cut") return;
      mode = "cut";
      // Not listening at all: connecting is refused (ECONNREFUSED), as with a stopped server.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      destroyAll();
      await closed;
    },
    blackhole() {
      if (mode === "cut") throw new Error("restore() a cut proxy before black-holing it");
      mode = "blackhole";
      for (const pair of pairs) pair.silent = true;
    },
    stall() {
      if (mode === "cut") throw new Error("restore() a cut proxy before stalling it");
      mode = "stall";
      for (const pair of pairs) pair.held ??= [];
    },
    async restore() {
      if (mode === "cut") await listen(port);
      mode = "open";
      for (const pair of pairs) {
        const held = pair.held ?? [];
        pair.held = undefined;
        for (const [to, chunk] of held) if (!to.destroyed) to.write(chunk);
      }
    },
    get connections() {
      return pairs.size;
    },
    async close() {
      mode = "cut";
      destroyAll();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
