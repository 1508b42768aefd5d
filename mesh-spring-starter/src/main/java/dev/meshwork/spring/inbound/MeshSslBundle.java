package dev.meshwork.spring.inbound;

import dev.meshwork.core.identity.MeshIdentity;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.ssl.SslManagerBundle;
import org.springframework.boot.ssl.SslStoreBundle;

/**
 * The SSL bundle {@value #NAME}: the workload's mesh certificate and trust bundle, for the
 * embedded web server ({@code server.ssl.bundle=mesh}, set by the starter) or anything else that
 * takes a Spring Boot {@link SslBundle}.
 *
 * <p>The bundle carries both in-memory key/trust stores (what Tomcat, Jetty and Reactor Netty read)
 * and {@link SslManagerBundle managers} over the identity's own key and trust managers, which
 * always use the current certificate. After each rotation the bundle is rebuilt and
 * {@link SslBundleRegistry#updateBundle updated}, so web servers that watch their bundle (Boot
 * reloads Tomcat's and Netty's SSL host config on an update) serve the new certificate on new
 * connections without a restart. Connections already open keep theirs.
 *
 * <p>Thread-safe; rotations are handled on the identity's renewal thread.
 */
public final class MeshSslBundle {
  /** The bundle's name in the registry. */
  public static final String NAME = "mesh";
  private static final Logger log = LoggerFactory.getLogger(MeshSslBundle.class);
  private static final String ALIAS = "mesh";
  private static final String PASSWORD = "meshwork"; // in-memory stores only: never written anywhere

  private MeshSslBundle() {}

  /** Registers {@value #NAME} for {@code identity} and keeps it current across rotations. */
  public static void register(SslBundleRegistry registry, MeshIdentity identity) {
    registry.registerBundle(NAME, of(identity));
    identity.onRotation(rotation -> {
      try {
        registry.updateBundle(NAME, of(identity));
        log.info("SSL bundle '{}' updated to certificate serial {}", NAME,
            identity.currentCertificate().getSerialNumber().toString(16));
      } catch (RuntimeException e) {
        log.warn("SSL bundle '{}' could not be updated after a rotation: {}", NAME, e.toString());
      }
    });
  }

  /** A bundle of the identity's current certificate, trust bundle, and its (rotating) managers. */
  public static SslBundle of(MeshIdentity identity) {
    SslManagerBundle managers = SslManagerBundle.of(
        new SingleKeyManagerFactory(identity.keyManager()), new SingleTrustManagerFactory(identity.trustManager()));
    return SslBundle.of(stores(identity), SslBundleKey.of(PASSWORD, ALIAS), org.springframework.boot.ssl.SslOptions.NONE, SslBundle.DEFAULT_PROTOCOL, managers);
  }

  private static SslStoreBundle stores(MeshIdentity identity) {
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      KeyEntry entry = currentKey(identity.keyManager());
      keys.setKeyEntry(ALIAS, entry.key(), PASSWORD.toCharArray(), entry.chain());
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      List<X509Certificate> roots = identity.trustedRoots();
      for (int i = 0; i < roots.size(); i++) {
        trust.setCertificateEntry("root-" + i, roots.get(i));
      }
      return SslStoreBundle.of(keys, PASSWORD, trust);
    } catch (java.security.GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot build the mesh SSL bundle's key stores", e);
    }
  }

  private record KeyEntry(PrivateKey key, X509Certificate[] chain) {}

  /** The key and chain of one snapshot: retried when a rotation happens between the reads. */
  private static KeyEntry currentKey(X509ExtendedKeyManager km) {
    for (int i = 0; i < 10; i++) {
      String[] aliases = km.getServerAliases(null, null);
      if (aliases == null || aliases.length == 0) {
        break;
      }
      PrivateKey key = km.getPrivateKey(aliases[0]);
      X509Certificate[] chain = km.getCertificateChain(aliases[0]);
      String[] after = km.getServerAliases(null, null);
      if (key != null && chain != null && chain.length > 0 && after != null && after.length > 0
          && after[0].equals(aliases[0])) {
        return new KeyEntry(key, chain);
      }
    }
    throw new IllegalStateException("the mesh identity presents no key");
  }
}
