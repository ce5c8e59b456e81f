package dev.harmont.server.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private CA and a server certificate it signed for {@code localhost} only (made with {@code
 * openssl}), for TLS tests against real servers: the PEM files and a PKCS#12 keystore of the
 * server's key and chain (password {@link #PASSWORD}).
 */
public record TestCertificates(Path caPem, Path serverCertPem, Path serverKeyPem, Path serverP12) {
  public static final String PASSWORD = "changeit";

  /** A CA (named {@code name}) and a server certificate for {@code localhost}, in {@code dir}. */
  public static TestCertificates make(Path dir, String name) throws Exception {
    Files.createDirectories(dir);
    Path caKey = dir.resolve(name + "-ca.key");
    Path ca = dir.resolve(name + "-ca.pem");
    Path key = dir.resolve(name + "-server.key");
    Path csr = dir.resolve(name + "-server.csr");
    Path cert = dir.resolve(name + "-server.pem");
    Path ext = dir.resolve(name + "-server.ext");
    Path p12 = dir.resolve(name + "-server.p12");
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        caKey.toString(),
        "-out",
        ca.toString(),
        "-days",
        "2",
        "-subj",
        "/CN=Harmont test CA " + name,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
    openssl(
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        key.toString(),
        "-out",
        csr.toString(),
        "-subj",
        "/CN=localhost");
    Files.writeString(
        ext,
        "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n"
            + "basicConstraints=CA:FALSE\n");
    openssl(
        "x509",
        "-req",
        "-in",
        csr.toString(),
        "-CA",
        ca.toString(),
        "-CAkey",
        caKey.toString(),
        "-CAcreateserial",
        "-out",
        cert.toString(),
        "-days",
        "2",
        "-extfile",
        ext.toString());
    openssl(
        "pkcs12",
        "-export",
        "-in",
        cert.toString(),
        "-inkey",
        key.toString(),
        "-certfile",
        ca.toString(),
        "-name",
        "greenmail",
        "-out",
        p12.toString(),
        "-passout",
        "pass:" + PASSWORD);
    return new TestCertificates(ca, cert, key, p12);
  }

  private static void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + out);
    }
  }
}
