package dev.meshwork.controlplane.internal.ca;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The self-managed root, persisted in a directory (mode 0700): {@code root-key.pem} (PKCS#8, mode
 * 0600) and {@code root-cert.pem}. Generated on first use, loaded afterwards. Safe against
 * several control planes (in this JVM or others) starting on one directory at once: a lock file
 * serialises them, so they all end up with the same root.
 */
final class CaDirectory {
  static final String KEY_FILE = "root-key.pem";
  static final String CERT_FILE = "root-cert.pem";
  private static final Logger log = LoggerFactory.getLogger(CaDirectory.class);
  private static final Object JVM_LOCK = new Object(); // file locks are per process, not per thread
  private static final boolean POSIX = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private CaDirectory() {}

  static SigningCa loadOrCreate(Path dir, String trustDomain) throws IOException {
    synchronized (JVM_LOCK) {
      createPrivateDirectory(dir);
      try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = lockFile.lock()) {
        Path key = dir.resolve(KEY_FILE);
        Path cert = dir.resolve(CERT_FILE);
        boolean hasKey = Files.exists(key);
        boolean hasCert = Files.exists(cert);
        if (hasKey && hasCert) {
          return load(key, cert);
        }
        if (hasKey || hasCert) {
          throw new IOException("CA directory " + dir + " has " + (hasKey ? KEY_FILE : CERT_FILE) + " but no "
              + (hasKey ? CERT_FILE : KEY_FILE) + ": restore it, or remove the directory to generate a new root");
        }
        return create(key, cert, trustDomain);
      }
    }
  }

  private static SigningCa load(Path key, Path cert) throws IOException {
    List<X509Certificate> certs = Pem.readCertificates(cert);
    PrivateKey privateKey = Pem.readPrivateKey(key);
    X509Certificate root = certs.get(0);
    if (certs.size() != 1 || !CaCertificates.isSelfSigned(root) || !CaCertificates.isCa(root)) {
      throw new IOException(cert + ": expected exactly one self-signed CA certificate");
    }
    if (!CaCertificates.keyMatches(root, privateKey)) {
      throw new IOException(key + " does not match " + cert);
    }
    SigningCa.checkValid(cert.toString(), root);
    if (POSIX && !Files.getPosixFilePermissions(key).equals(Set.of(PosixFilePermission.OWNER_READ,
        PosixFilePermission.OWNER_WRITE))) {
      log.warn("CA key {} is readable by others than its owner (expected mode 0600)", key);
    }
    log.info("CA root loaded from {}: {}", cert.getParent(), CaCertificates.describe(root));
    return new SigningCa(privateKey, List.of(root));
  }

  private static SigningCa create(Path key, Path cert, String trustDomain) throws IOException {
    KeyPair keys = CaCertificates.newEcKeyPair();
    X509Certificate root = CaCertificates.selfSignedRoot(keys, trustDomain, Instant.now());
    // Key first: a crash in between leaves a key without a certificate, which load refuses loudly.
    writeAtomically(key, Pem.encode(keys.getPrivate()));
    writeAtomically(cert, Pem.encode(root));
    log.info("CA root generated in {}: {}", cert.getParent(), CaCertificates.describe(root));
    return new SigningCa(keys.getPrivate(), List.of(root));
  }

  private static void createPrivateDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      if (POSIX && Files.getPosixFilePermissions(dir).stream().anyMatch(p -> !p.name().startsWith("OWNER_"))) {
        log.warn("CA directory {} is accessible by others than its owner (expected mode 0700)", dir);
      }
      return;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      Files.createDirectory(dir, attributes("rwx------"));
    } catch (FileAlreadyExistsException e) {
      // another process won the race: fine
    }
  }

  /** Writes a 0600 temporary file next to the target and renames it over the target. */
  private static void writeAtomically(Path target, String content) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp", attributes("rw-------"));
    try {
      Files.writeString(tmp, content, StandardCharsets.US_ASCII);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static FileAttribute<?>[] attributes(String perms) {
    return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms))}
        : new FileAttribute<?>[0];
  }
}
