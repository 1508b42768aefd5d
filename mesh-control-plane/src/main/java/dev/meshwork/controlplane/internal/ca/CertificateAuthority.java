package dev.meshwork.controlplane.internal.ca;

import io.grpc.ServerServiceDefinition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's certificate authority: signs workload CSRs presented with a join token, and
 * publishes the trust bundle. Serves Istio's {@code istio.v1.auth.IstioCertificateService} and
 * {@code meshwork.ca.v1.TrustBundleService} (see {@link #services()}). Thread-safe; refusals are
 * gRPC statuses whose description says why, also logged at WARN.
 */
public final class CertificateAuthority {
  private static final Logger log = LoggerFactory.getLogger(CertificateAuthority.class);

  private final String trustDomain;
  private final SigningCa signing;
  private final List<X509Certificate> roots;
  private final JoinTokens tokens;
  private final LeafIssuer issuer;
  // Counted on Micrometer counters, which the admin API's /ca reads back.
  private final MeterRegistry meters;
  private final Counter issued;
  private final Map<Status.Code, Counter> refused = new ConcurrentHashMap<>();

  CertificateAuthority(String trustDomain, SigningCa signing, List<X509Certificate> extraRoots, List<JoinToken> tokens,
      CaConfig config, Clock clock) {
    this(trustDomain, signing, extraRoots, tokens, config, clock, new SimpleMeterRegistry());
  }

  CertificateAuthority(String trustDomain, SigningCa signing, List<X509Certificate> extraRoots, List<JoinToken> tokens,
      CaConfig config, Clock clock, MeterRegistry meters) {
    this.meters = meters;
    this.issued = Counter.builder("meshwork.cp.ca.certificates.issued").description("Workload certificates issued")
        .register(meters);
    this.trustDomain = trustDomain;
    this.signing = signing;
    List<X509Certificate> all = new ArrayList<>(List.of(signing.root()));
    extraRoots.stream().filter(r -> !all.contains(r)).forEach(all::add);
    this.roots = List.copyOf(all);
    this.tokens = new JoinTokens(tokens);
    this.issuer = new LeafIssuer(signing, config.defaultTtl(), config.maxTtl(), clock);
  }

  /** Loads or creates the signing CA and reads the join tokens; IOException names the bad file. */
  public static CertificateAuthority create(CaConfig config) throws IOException {
    return create(config, new SimpleMeterRegistry());
  }

  /**
   * As {@link #create(CaConfig)}, counting certificates issued and requests refused (tag {@code
   * reason}, the gRPC status code) in {@code meters}.
   */
  public static CertificateAuthority create(CaConfig config, MeterRegistry meters) throws IOException {
    SigningCa signing;
    if (config.signingCertificate() != null) {
      signing = SigningCa.fromFiles(config.signingCertificate(), config.signingKey(), config.signingChain());
      log.info("CA signing with {} (chain of {})", CaCertificates.describe(signing.certificate()), signing.chain().size());
    } else if (config.directory() != null) {
      signing = CaDirectory.loadOrCreate(config.directory(), config.trustDomain());
    } else {
      var keys = CaCertificates.newEcKeyPair();
      signing = new SigningCa(keys.getPrivate(), List.of(CaCertificates.selfSignedRoot(keys, config.trustDomain(),
          java.time.Instant.now())));
    }
    List<X509Certificate> extra = config.additionalRoots() == null ? List.of() : readRoots(config.additionalRoots());
    List<JoinToken> tokens = new ArrayList<>(config.joinTokens());
    for (Path file : config.joinTokenFiles()) {
      tokens.addAll(JoinTokens.read(file));
    }
    if (config.signingCertificate() == null && config.directory() == null) {
      // Only worth a warning when someone can obtain certificates from this root.
      if (tokens.isEmpty()) {
        log.debug("CA root generated in memory only (no CA directory, no join tokens)");
      } else {
        log.warn("CA root generated in memory only (no CA directory): certificates will not survive a restart");
      }
    }
    CertificateAuthority ca;
    try {
      ca = new CertificateAuthority(config.trustDomain(), signing, extra, tokens, config, Clock.systemUTC(), meters);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    log.info("CA for trust domain {}: {} root(s) trusted, {} join token(s)", ca.trustDomain, ca.roots.size(),
        ca.tokens.size());
    return ca;
  }

  private static List<X509Certificate> readRoots(Path file) throws IOException {
    List<X509Certificate> roots = Pem.readCertificates(file);
    for (X509Certificate r : roots) {
      if (!CaCertificates.isCa(r) || !CaCertificates.isSelfSigned(r)) {
        throw new IOException("additional trusted roots " + file + ": not a self-signed CA certificate: "
            + CaCertificates.describe(r));
      }
    }
    return roots;
  }

  /** The gRPC services to add to the control plane's server. */
  public List<ServerServiceDefinition> services() {
    return List.of(CaGrpcServices.certificateService(this), CaGrpcServices.trustBundleService(this));
  }

  /** SPIFFE trust domain of every identity this CA issues. */
  public String trustDomain() {
    return trustDomain;
  }

  /** The trust bundle: the current root first, then any additional roots. */
  public List<X509Certificate> roots() {
    return roots;
  }

  /** Certificates issued since start. */
  public long issuedCount() {
    return (long) issued.count();
  }

  /** Requests refused since start. */
  public long refusedCount() {
    return (long) refused.values().stream().mapToDouble(Counter::count).sum();
  }

  /** What the admin API's {@code GET /ca} shows. */
  public Map<String, Object> adminView() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("trustDomain", trustDomain);
    m.put("signingCertificate", describe(signing.certificate()));
    m.put("roots", roots.stream().map(CertificateAuthority::describe).toList());
    m.put("issued", issuedCount());
    m.put("refused", refusedCount());
    return m;
  }

  private static Map<String, Object> describe(X509Certificate c) {
    return Map.of("subject", c.getSubjectX500Principal().getName(), "serial", c.getSerialNumber().toString(16),
        "notAfter", c.getNotAfter().toInstant().toString());
  }

  /**
   * Authenticates {@code authorization} (the raw metadata value, may be null) and issues.
   * Every outcome is counted and logged; {@code peer} only appears in logs.
   */
  LeafIssuer.Issued createCertificate(String authorization, String csrPem, long validitySeconds, String peer)
      throws CaRefusal {
    try {
      JoinToken identity = authenticate(authorization);
      LeafIssuer.Issued out = issuer.issue(identity, trustDomain, csrPem, validitySeconds);
      issued.increment();
      log.info("CA issued {} serial {} expiring {} (peer {})", identity.spiffeId(trustDomain),
          out.leaf().getSerialNumber().toString(16), out.leaf().getNotAfter().toInstant(), peer);
      return out;
    } catch (CaRefusal e) {
      refused.computeIfAbsent(e.code(), code -> Counter.builder("meshwork.cp.ca.certificates.refused")
          .description("Certificate requests refused, by gRPC status code").tag("reason", code.name())
          .register(meters)).increment();
      log.warn("CA refused a certificate to peer {}: {} {}", peer, e.code(), e.getMessage());
      throw e;
    }
  }

  private JoinToken authenticate(String authorization) throws CaRefusal {
    if (authorization == null || authorization.isBlank()) {
      throw new CaRefusal(Status.Code.UNAUTHENTICATED,
          "no credential: send the join token as metadata 'authorization: Bearer <token>'");
    }
    String[] parts = authorization.trim().split("\\s+", 2);
    if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer")) {
      throw new CaRefusal(Status.Code.UNAUTHENTICATED, "authorization metadata is not 'Bearer <token>'");
    }
    JoinToken t = tokens.find(parts[1]);
    if (t == null) {
      throw new CaRefusal(Status.Code.UNAUTHENTICATED, "unknown join token");
    }
    return t;
  }
}
