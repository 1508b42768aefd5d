package dev.meshwork.core.internal.identity;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the current identity for client and server handshakes, whatever the peer's accepted
 * issuers (mesh peers trust the mesh roots). One object for the process's lifetime; rotation is
 * a snapshot swap. Thread-safe.
 */
public final class SwappingKeyManager extends X509ExtendedKeyManager {
  private final SnapshotHolder holder;

  public SwappingKeyManager(SnapshotHolder holder) {
    this.holder = holder;
  }

  private String alias(String keyType) {
    CertSnapshot s = holder.current();
    return keyType == null || keyType.startsWith(s.key().getAlgorithm()) ? s.alias() : null;
  }

  private String alias(String[] keyTypes) {
    if (keyTypes == null) {
      return holder.current().alias();
    }
    for (String k : keyTypes) {
      String a = alias(k);
      if (a != null) {
        return a;
      }
    }
    return null;
  }

  private String[] aliases(String keyType) {
    String a = alias(keyType);
    return a == null ? null : new String[] {a};
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return aliases(keyType);
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return alias(keyTypes);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return alias(keyTypes);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return aliases(keyType);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return alias(keyType);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return alias(keyType);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    CertSnapshot s = holder.byAlias(alias);
    return s == null ? null : s.chain().toArray(new X509Certificate[0]);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    CertSnapshot s = holder.byAlias(alias);
    return s == null ? null : s.key();
  }
}
