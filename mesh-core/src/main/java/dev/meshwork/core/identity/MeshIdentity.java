package dev.meshwork.core.identity;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.internal.identity.CaClient;
import dev.meshwork.core.internal.identity.CertSnapshot;
import dev.meshwork.core.internal.identity.IdentityMetrics;
import dev.meshwork.core.internal.identity.PemFiles;
import dev.meshwork.core.internal.identity.RenewalSchedule;
import dev.meshwork.core.internal.identity.Renewer;
import dev.meshwork.core.internal.identity.SnapshotHolder;
import dev.meshwork.core.internal.identity.SpiffeTrustManager;
import dev.meshwork.core.internal.identity.SwappingKeyManager;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This workload's mesh identity: an X.509 SPIFFE certificate ({@link MeshSettings#spiffeId()})
 * from the control plane's CA, renewed in the background, served to TLS through
 * {@link #keyManager()}, {@link #trustManager()} and {@link #sslContext()}, and written as PEM
 * files for grpc-xds's {@code file_watcher} certificate provider.
 *
 * <p>Keys are EC P-256, generated in this JVM (a fresh one per renewal); only CSRs leave it.
 * Renewal happens at {@link IdentityOptions#renewalFraction()} of the lifetime (± jitter) on one
 * named daemon thread (or the supplied scheduler). When the CA is unreachable or refuses, the
 * current certificate stays in use and renewal is retried with exponential backoff; each failure is
 * logged with the time left. Metrics: {@code meshwork.identity.certificate.expiry.seconds} and
 * {@code meshwork.identity.renewals} (tag {@code result}), tagged {@code service}.
 *
 * <p>Threading: every method is thread-safe. The managers and the SSL context are created once
 * and always use the latest certificate and trust bundle (one volatile swap), so TLS servers and
 * clients built on them rotate without being rebuilt. Listeners run on the renewal thread.
 */
public final class MeshIdentity implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MeshIdentity.class);

  private final CaClient ca;
  private final SnapshotHolder holder;
  private final PemFiles files;
  private final IdentityMetrics metrics;
  private final Renewer renewer;
  private final ScheduledExecutorService ownScheduler;
  private final SwappingKeyManager keyManager;
  private final SpiffeTrustManager trustManager;
  private final SSLContext sslContext;

  private MeshIdentity(MeshSettings settings, IdentityOptions options, CaClient ca, CertSnapshot first,
      PemFiles files) {
    this.ca = ca;
    this.files = files;
    this.holder = new SnapshotHolder(first);
    this.keyManager = new SwappingKeyManager(holder);
    this.trustManager = new SpiffeTrustManager(holder, settings.trustDomain(), options.clock());
    try {
      this.sslContext = SSLContext.getInstance("TLS");
      sslContext.init(new KeyManager[] {keyManager}, new TrustManager[] {trustManager}, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no usable TLS SSLContext", e);
    }
    this.metrics = new IdentityMetrics(options.meterRegistry(), settings.service(), holder, options.clock());
    ScheduledExecutorService scheduler = options.scheduler();
    this.ownScheduler = scheduler != null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "meshwork-identity-" + settings.service());
      t.setDaemon(true);
      return t;
    });
    this.renewer = new Renewer(
        new Renewer.Config(settings.spiffeId(), options.requestedTtl(), options.callTimeout(), options.clock()),
        ca, holder, files,
        new RenewalSchedule(options.renewalFraction(), options.jitterFraction(), options.retryInitialBackoff(),
            options.retryMaxBackoff()),
        metrics, scheduler != null ? scheduler : ownScheduler);
    // A resumed TLS session keeps the certificates of the handshake that made it: after a
    // rotation, forget the sessions so every new connection presents (and sees) the new one.
    renewer.addListener(s -> {
      forget(sslContext.getClientSessionContext());
      forget(sslContext.getServerSessionContext());
    });
  }

  private static void forget(javax.net.ssl.SSLSessionContext sessions) {
    for (var ids = sessions.getIds(); ids.hasMoreElements(); ) {
      javax.net.ssl.SSLSession session = sessions.getSession(ids.nextElement());
      if (session != null) {
        session.invalidate();
      }
    }
  }

  /**
   * Obtains the first certificate (blocking up to {@link IdentityOptions#startTimeout()}, waiting
   * for the control plane to become reachable), writes the PEM files and schedules renewal.
   *
   * @throws IllegalArgumentException when {@code settings} has no identity token
   * @throws IdentityException naming the control plane and the CA's reason when no certificate
   *     came in time, the CA refused, or the files could not be written
   */
  public static MeshIdentity start(MeshSettings settings, IdentityOptions options) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(options, "options");
    if (!settings.hasIdentity()) {
      throw new IllegalArgumentException("identityToken: empty (expected: the join token for " + settings.spiffeId()
          + ", MESHWORK_IDENTITY_TOKEN)");
    }
    CaClient ca = new CaClient(settings.controlPlane(), settings.identityToken(), settings.spiffeId());
    try {
      CertSnapshot first = FirstCertificate.obtain(ca, settings.spiffeId(), options);
      PemFiles files = FirstCertificate.writeFiles(first, options.directory(), settings.spiffeId());
      MeshIdentity identity = new MeshIdentity(settings, options, ca, first, files);
      identity.renewer.start();
      log.info("identity {}: certificate serial {}, notAfter {}, files in {}", settings.spiffeId(), first.serial(),
          first.notAfter(), files.directory());
      return identity;
    } catch (RuntimeException e) {
      ca.close();
      throw e;
    }
  }

  /** The current certificate's key and chain, for any TLS stack. Same object for the lifetime. */
  public X509ExtendedKeyManager keyManager() {
    return keyManager;
  }

  /**
   * Accepts peers whose chain validates (PKIX) against the current trust bundle and whose leaf
   * has a SPIFFE ID in this mesh's trust domain; refuses others with a {@code CertificateException}.
   * Any workload of the mesh passes: check a specific peer with {@link SpiffePeers#verifyPeer}.
   */
  public X509ExtendedTrustManager trustManager() {
    return trustManager;
  }

  /**
   * A {@code TLS} context over {@link #keyManager()} and {@link #trustManager()}, for clients and
   * servers alike (a server asks for client certificates with {@code setNeedClientAuth(true)}).
   * Host-name verification plays no part; peers are named by SPIFFE ID.
   */
  public SSLContext sslContext() {
    return sslContext;
  }

  /**
   * A {@code TLS} context presenting this identity, as {@link #sslContext()}, but trusting peers
   * through {@code trust}: e.g. {@link #trustManager()} narrowed to one destination's SPIFFE IDs,
   * checked during the handshake. Its sessions are forgotten on every rotation, as those of
   * {@link #sslContext()} are, so a new connection presents the current certificate (the identity
   * keeps each context for that: make one per destination, not per connection).
   */
  public SSLContext sslContext(X509ExtendedTrustManager trust) {
    Objects.requireNonNull(trust, "trust");
    SSLContext context;
    try {
      context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {keyManager}, new TrustManager[] {trust}, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no usable TLS SSLContext", e);
    }
    renewer.addListener(s -> {
      forget(context.getClientSessionContext());
      forget(context.getServerSessionContext());
    });
    return context;
  }

  /** The leaf certificate currently presented. */
  public X509Certificate currentCertificate() {
    return holder.current().leaf();
  }

  /** The chain currently presented: leaf first, then intermediates. */
  public List<X509Certificate> currentChain() {
    return holder.current().chain();
  }

  /** Every root currently trusted (the trust bundle). */
  public List<X509Certificate> trustedRoots() {
    return holder.current().roots();
  }

  /** Adds a listener told after each renewal took effect, on the renewal thread; its exceptions are logged. */
  public void onRotation(Consumer<CertificateRotation> listener) {
    Objects.requireNonNull(listener, "listener");
    renewer.addListener(s -> listener.accept(new CertificateRotation(s.chain(), s.roots())));
  }

  /**
   * Directory of the PEM files (0700). grpc-java's {@code FileWatcherCertificateProvider}
   * ({@code file_watcher} in an xDS bootstrap) re-reads them on its refresh interval, so a
   * rotation reaches grpc-xds within that interval; each file is replaced atomically.
   */
  public Path certificateDirectory() {
    return files.directory();
  }

  /** {@code cert-chain.pem}: the leaf then intermediates (0600). */
  public Path certificateChainFile() {
    return files.certChain();
  }

  /** {@code key.pem}: the private key, PKCS#8 {@code PRIVATE KEY} (0600). */
  public Path privateKeyFile() {
    return files.privateKey();
  }

  /** {@code root-cert.pem}: every trusted root (0600). */
  public Path rootCertificateFile() {
    return files.rootCert();
  }

  /**
   * Stops renewal (and the identity's own thread), closes the channel to the control plane, and
   * deletes the PEM files when they live in a temp directory the identity created. The managers
   * keep serving the last certificate. Idempotent.
   */
  @Override
  public void close() {
    renewer.close();
    if (ownScheduler != null) {
      ownScheduler.shutdownNow();
    }
    ca.close();
    metrics.close();
    try {
      files.deleteIfOwned();
    } catch (IOException e) {
      log.warn("could not delete identity files in {}: {}", files.directory(), e.toString());
    }
  }
}
