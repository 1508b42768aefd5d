package dev.meshwork.core.internal.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The identity as PEM files in a private directory (0700, files 0600), in the layout grpc-xds's
 * {@code file_watcher} certificate provider reads: {@code cert-chain.pem} (leaf, intermediates),
 * {@code key.pem} (PKCS#8) and {@code root-cert.pem} (every trusted root). Each file is replaced
 * atomically (temp file in the same directory, then ATOMIC_MOVE). Called from one thread.
 */
public final class PemFiles {
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private final Path dir;
  private final boolean owned;

  private PemFiles(Path dir, boolean owned) {
    this.dir = dir;
    this.owned = owned;
  }

  /** Files in {@code dir} (created 0700 if missing, tightened to 0700 if not), or a fresh temp dir. */
  public static PemFiles create(Path dir) throws IOException {
    if (dir == null) {
      Path tmp = POSIX
          ? Files.createTempDirectory("meshwork-identity-", PosixFilePermissions.asFileAttribute(DIR))
          : Files.createTempDirectory("meshwork-identity-");
      return new PemFiles(tmp, true);
    }
    Files.createDirectories(dir);
    if (POSIX) {
      Files.setPosixFilePermissions(dir, DIR);
    }
    return new PemFiles(dir, false);
  }

  public Path directory() {
    return dir;
  }

  public Path certChain() {
    return dir.resolve("cert-chain.pem");
  }

  public Path privateKey() {
    return dir.resolve("key.pem");
  }

  public Path rootCert() {
    return dir.resolve("root-cert.pem");
  }

  /** Roots first (so a new issuer is trusted before it is used), then the key, then the chain. */
  public void write(CertSnapshot s) throws IOException {
    replace(rootCert(), Pem.encode(s.roots()));
    replace(privateKey(), Pem.encode("PRIVATE KEY", s.key().getEncoded()));
    replace(certChain(), Pem.encode(s.chain()));
  }

  private void replace(Path target, String content) throws IOException {
    FileAttribute<?>[] attrs = POSIX
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
        : new FileAttribute<?>[0];
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp", attrs);
    try {
      Files.writeString(tmp, content, StandardCharsets.US_ASCII);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Removes the files and the directory when this class created the directory. */
  public void deleteIfOwned() throws IOException {
    if (owned) {
      Files.deleteIfExists(certChain());
      Files.deleteIfExists(privateKey());
      Files.deleteIfExists(rootCert());
      Files.deleteIfExists(dir);
    }
  }
}
