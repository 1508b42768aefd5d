package dev.meshwork.core;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Who this process is in the mesh and where its control plane lives. Immutable and thread-safe;
 * build with {@link #builder()} or read from the environment with {@link #fromEnvironment}.
 *
 * @param controlPlane {@code host:port} of the control plane's xDS/registry endpoint (default
 *     port 15010)
 * @param service this process's own service name (xDS node cluster), e.g. {@code productpage}
 * @param instanceId unique per process (xDS node id); generated when not given
 * @param locality Istio-style {@code region/zone/subzone}; a bare value is a zone
 * @param namespace namespace the workload runs in, {@code default} unless set
 * @param serviceAccount the workload's service account, the last part of its SPIFFE ID; the
 *     service name unless set
 * @param trustDomain the mesh's SPIFFE trust domain, {@code cluster.local} unless set
 * @param identityToken the join token that entitles this workload to certificates for its SPIFFE
 *     ID (sent to the CA as a bearer credential); empty for a workload without mesh identity
 */
public record MeshSettings(String controlPlane, String service, String instanceId, String locality, String namespace,
    String serviceAccount, String trustDomain, String identityToken) {
  /** Default xDS port, familiar to Istio users. */
  public static final int DEFAULT_XDS_PORT = 15010;
  /** Istio's default trust domain. */
  public static final String DEFAULT_TRUST_DOMAIN = "cluster.local";

  public MeshSettings {
    Objects.requireNonNull(controlPlane, "controlPlane");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(locality, "locality");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(serviceAccount, "serviceAccount");
    Objects.requireNonNull(trustDomain, "trustDomain");
    Objects.requireNonNull(identityToken, "identityToken");
    if (serviceAccount.isBlank()) {
      serviceAccount = service;
    }
    if (trustDomain.isBlank()) {
      trustDomain = DEFAULT_TRUST_DOMAIN;
    }
    if (controlPlane.isBlank()) {
      throw new IllegalArgumentException("controlPlane: empty (expected: host:port, e.g. 127.0.0.1:15010)");
    }
    if (service.isBlank()) {
      throw new IllegalArgumentException("service: empty (expected: this process's service name)");
    }
    if (!controlPlane.contains(":")) {
      controlPlane = controlPlane + ":" + DEFAULT_XDS_PORT;
    } else if (controlPlane.indexOf(':') != controlPlane.lastIndexOf(':') && !controlPlane.startsWith("[")) {
      controlPlane = "[" + controlPlane + "]:" + DEFAULT_XDS_PORT; // a bare IPv6 literal such as ::1
    }
  }

  /** This workload's SPIFFE ID: {@code spiffe://<trustDomain>/ns/<namespace>/sa/<serviceAccount>}. */
  public String spiffeId() {
    return "spiffe://" + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
  }

  /** Whether this workload has a join token, so it obtains certificates and speaks mTLS. */
  public boolean hasIdentity() {
    return !identityToken.isEmpty();
  }

  /** Region part of {@link #locality()}, or empty. */
  public String region() {
    return part(0);
  }

  /** Zone part of {@link #locality()}, or empty. */
  public String zone() {
    return part(1);
  }

  /** Sub-zone part of {@link #locality()}, or empty. */
  public String subZone() {
    return part(2);
  }

  private String part(int i) {
    if (locality.isEmpty()) {
      return "";
    }
    String[] p = locality.split("/", -1);
    if (p.length == 1) {
      return i == 1 ? p[0] : "";
    }
    return i < p.length ? p[i] : "";
  }

  /** A builder; {@code controlPlane} and {@code service} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Settings from a map of environment-style variables ({@code System.getenv()} usually):
   * {@code MESHWORK_CONTROL_PLANE} (default {@code 127.0.0.1:15010}), {@code MESHWORK_SERVICE}
   * (required), {@code MESHWORK_INSTANCE_ID}, {@code MESHWORK_LOCALITY}, {@code MESHWORK_NAMESPACE},
   * {@code MESHWORK_SERVICE_ACCOUNT}, {@code MESHWORK_TRUST_DOMAIN}, {@code MESHWORK_IDENTITY_TOKEN}.
   */
  public static MeshSettings fromEnvironment(Map<String, String> env) {
    Builder b = builder();
    b.controlPlane(env.getOrDefault("MESHWORK_CONTROL_PLANE", "127.0.0.1:" + DEFAULT_XDS_PORT));
    b.service(env.getOrDefault("MESHWORK_SERVICE", ""));
    if (env.containsKey("MESHWORK_INSTANCE_ID")) {
      b.instanceId(env.get("MESHWORK_INSTANCE_ID"));
    }
    b.locality(env.getOrDefault("MESHWORK_LOCALITY", ""));
    b.namespace(env.getOrDefault("MESHWORK_NAMESPACE", "default"));
    b.serviceAccount(env.getOrDefault("MESHWORK_SERVICE_ACCOUNT", ""));
    b.trustDomain(env.getOrDefault("MESHWORK_TRUST_DOMAIN", DEFAULT_TRUST_DOMAIN));
    b.identityToken(env.getOrDefault("MESHWORK_IDENTITY_TOKEN", ""));
    return b.build();
  }

  /** Builder for {@link MeshSettings}; not thread-safe. */
  public static final class Builder {
    private String controlPlane;
    private String service;
    private String instanceId;
    private String locality = "";
    private String namespace = "default";
    private String serviceAccount = "";
    private String trustDomain = DEFAULT_TRUST_DOMAIN;
    private String identityToken = "";

    private Builder() {}

    public Builder controlPlane(String hostPort) {
      this.controlPlane = hostPort;
      return this;
    }

    public Builder service(String service) {
      this.service = service;
      return this;
    }

    public Builder instanceId(String instanceId) {
      this.instanceId = instanceId;
      return this;
    }

    public Builder locality(String locality) {
      this.locality = locality;
      return this;
    }

    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    /** Defaults to the service name. */
    public Builder serviceAccount(String serviceAccount) {
      this.serviceAccount = serviceAccount;
      return this;
    }

    public Builder trustDomain(String trustDomain) {
      this.trustDomain = trustDomain;
      return this;
    }

    /** The CA join token for this workload's identity; empty (the default) for none. */
    public Builder identityToken(String token) {
      this.identityToken = token;
      return this;
    }

    public MeshSettings build() {
      String id = instanceId;
      if (id == null || id.isBlank()) {
        id = service + "-" + ManagementFactory.getRuntimeMXBean().getPid() + "-"
            + UUID.randomUUID().toString().substring(0, 8);
      }
      return new MeshSettings(controlPlane, service, id, locality, namespace, serviceAccount, trustDomain,
          identityToken);
    }
  }
}
