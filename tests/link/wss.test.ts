import assert from "node:assert/strict";
import { startCoordinator } from "../../lib/coordinator/mod.ts";
import { TOKENS, withTempDir } from "./helpers.ts";

const hasOpenssl = (() => {
  try {
    return new Deno.Command("openssl", { args: ["version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();

async function openssl(dir: string, ...args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd: dir, stdout: "null", stderr: "piped" })
    .output();
  assert.ok(out.success, `openssl ${args[0]}: ${new TextDecoder().decode(out.stderr)}`);
}

/** A throwaway CA and a server certificate for 127.0.0.1 signed by it. */
async function makeCertificates(dir: string): Promise<void> {
  await Deno.writeTextFile(
    `${dir}/leaf.ext`,
    "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
  );
  await openssl(
    dir,
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=tern test CA",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
  );
  await openssl(
    dir,
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=localhost",
    "-keyout",
    "key.pem",
    "-out",
    "leaf.csr",
  );
  await openssl(
    dir,
    "x509",
    "-req",
    "-in",
    "leaf.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "leaf.ext",
    "-out",
    "cert.pem",
  );
}

// The WebSocket transport over TLS: a child Deno process trusts a throwaway self-signed
// certificate (--cert) and connects to a TLS server run by this test.
Deno.test({
  name: "the WebSocket transport connects over wss:// and exchanges frames",
  ignore: !hasOpenssl,
  async fn() {
    await withTempDir(async (dir) => {
      await makeCertificates(dir);
      const server = Deno.serve({
        port: 0,
        hostname: "127.0.0.1",
        cert: await Deno.readTextFile(`${dir}/cert.pem`),
        key: await Deno.readTextFile(`${dir}/key.pem`),
        onListen() {},
      }, (req) => {
        const { socket, response } = Deno.upgradeWebSocket(req);
        socket.onmessage = (e) => socket.send(`tls:${e.data}`);
        return response;
      });
      try {
        const transportUrl = new URL("../../lib/link/ws_transport.ts", import.meta.url).href;
        const script = `
          const { WebSocketTransport } = await import(${JSON.stringify(transportUrl)});
          const t = new WebSocketTransport("wss://127.0.0.1:${server.addr.port}/");
          const got = new Promise((resolve) => t.listen({ onMessage: resolve, onClose() {} }));
          await t.connect();
          t.send("hello");
          console.log(await got);
          t.close();
        `;
        const child = await new Deno.Command(Deno.execPath(), {
          args: ["eval", "--cert", `${dir}/ca.pem`, script],
          cwd: new URL("../../", import.meta.url).pathname,
          stdout: "piped",
          stderr: "piped",
        }).output();
        const out = new TextDecoder().decode(child.stdout).trim();
        assert.ok(child.success, new TextDecoder().decode(child.stderr));
        assert.equal(out, "tls:hello");
      } finally {
        await server.shutdown();
      }
    });
  },
});

Deno.test({
  name: "a coordinator serving TLS welcomes an agent over wss://",
  ignore: !hasOpenssl,
  async fn() {
    await withTempDir(async (dir) => {
      await makeCertificates(dir);
      const coord = await startCoordinator({
        kvPath: `${dir}/c.kv`,
        tokens: TOKENS,
        tls: {
          cert: await Deno.readTextFile(`${dir}/cert.pem`),
          key: await Deno.readTextFile(`${dir}/key.pem`),
        },
      });
      try {
        assert.match(coord.url, /^wss:\/\//);
        const modUrl = new URL("../../lib/link/mod.ts", import.meta.url).href;
        const script = `
          const link = await import(${JSON.stringify(modUrl)});
          const t = new link.WebSocketTransport(${JSON.stringify(coord.url)});
          const got = new Promise((resolve) => t.listen({ onMessage: resolve, onClose() {} }));
          await t.connect();
          t.send(link.encodeFrame(link.helloFrame({
            agentId: "agent-a", version: "t", chains: [], lpAddress: "0x" + "1".repeat(40),
            token: "token-a",
          }, "s1", 0)));
          const r = link.decodeFrame(await got, "coordinator");
          console.log(r.ok ? r.frame.type : r.reason);
          t.close();
        `;
        const child = await new Deno.Command(Deno.execPath(), {
          args: ["eval", "--cert", `${dir}/ca.pem`, script],
          cwd: new URL("../../", import.meta.url).pathname,
          stdout: "piped",
          stderr: "piped",
        }).output();
        assert.ok(child.success, new TextDecoder().decode(child.stderr));
        assert.equal(new TextDecoder().decode(child.stdout).trim(), "welcome");
      } finally {
        await coord.stop();
      }
    });
  },
});
