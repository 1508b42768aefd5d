package dev.meshwork.spring.autoconfigure;

import dev.meshwork.core.telemetry.MetricNaming;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code mesh.*} properties: who this application is in the mesh, where its control plane
 * lives, how it registers and what it records. Bound once at startup by Spring Boot and validated
 * when the mesh beans are created (a misconfiguration fails startup with a
 * {@link MeshConfigurationException} explained by {@link MeshConfigurationFailureAnalyzer}).
 */
@ConfigurationProperties("mesh")
public class MeshProperties {
  /** Whether the application joins the mesh at all. */
  private boolean enabled = true;
  /** The control plane's xDS/registry endpoint, host:port (port 15010 when omitted). */
  private String controlPlane;
  /** This application's service name; defaults to spring.application.name. */
  private String service;
  /** The xDS node id; generated (service-pid-random) when not set. */
  private String instanceId;
  /** The namespace the workload runs in. */
  private String namespace = "default";
  /** The workload's version, registered as the label "version" (what DestinationRule subsets select). */
  private String version;
  /** Further workload labels registered with the instance. */
  private Map<String, String> labels = new LinkedHashMap<>();
  /** Istio-style locality region/zone/subzone; a bare value is a zone. */
  private String locality;
  /** Shorthand for a locality that is only a zone; use either zone or locality. */
  private String zone;
  /** The CA join token that entitles this workload to its certificate; empty for no mesh identity. */
  private String identityToken;
  /** The workload's service account (last part of its SPIFFE ID); the service name when not set. */
  private String serviceAccount;
  /** The mesh's SPIFFE trust domain. */
  private String trustDomain = "cluster.local";
  /** Where the last good xDS config is kept so a restart while the control plane is down still routes. */
  private Path persistDirectory;
  /** How long a first request to a host waits to learn whether it is a mesh service and for its config. */
  private Duration lookupTimeout = Duration.ofSeconds(5);
  private final Registration registration = new Registration();
  private final Telemetry telemetry = new Telemetry();
  private final Grpc grpc = new Grpc();

  /** How the running instance announces itself to the control plane's registry. */
  public static class Registration {
    /** Whether the instance registers once its web server (or mesh gRPC server) listens. */
    private boolean enabled = true;
    /** The IP other services reach this instance on; the first non-loopback address (else 127.0.0.1) by default. */
    private String address;
    /** Requested lease; heartbeats go every third of it and the control plane may clamp it. */
    private Duration leaseTtl = Duration.ofSeconds(10);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getAddress() {
      return address;
    }

    public void setAddress(String address) {
      this.address = address;
    }

    public Duration getLeaseTtl() {
      return leaseTtl;
    }

    public void setLeaseTtl(Duration leaseTtl) {
      this.leaseTtl = leaseTtl;
    }
  }

  /** What the mesh records for every call. */
  public static class Telemetry {
    /** Whether metrics, spans and access logs are recorded at all. */
    private boolean enabled = true;
    /** Metric namings to publish (several may be on at once). */
    private List<MetricNaming> naming = new ArrayList<>(List.of(MetricNaming.OPENTELEMETRY));
    /** One line per call on logger dev.meshwork.access (INFO). */
    private boolean accessLog;
    /** Adds the endpoint (ip:port) as a metric tag; multiplies series by the number of endpoints. */
    private boolean endpointTags;
    /**
     * Gives the OpenTelemetry sampler the span's attributes at start, for samplers that decide by
     * attribute; costs the SDK an attribute map per span, sampled or not.
     */
    private boolean samplerAttributes;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public List<MetricNaming> getNaming() {
      return naming;
    }

    public void setNaming(List<MetricNaming> naming) {
      this.naming = naming;
    }

    public boolean isAccessLog() {
      return accessLog;
    }

    public void setAccessLog(boolean accessLog) {
      this.accessLog = accessLog;
    }

    public boolean isEndpointTags() {
      return endpointTags;
    }

    public void setEndpointTags(boolean endpointTags) {
      this.endpointTags = endpointTags;
    }

    public boolean isSamplerAttributes() {
      return samplerAttributes;
    }

    public void setSamplerAttributes(boolean samplerAttributes) {
      this.samplerAttributes = samplerAttributes;
    }
  }

  /** gRPC through the mesh. */
  public static class Grpc {
    private final Server server = new Server();

    public Server getServer() {
      return server;
    }

    /** A mesh gRPC server serving the application's BindableService beans. */
    public static class Server {
      /** Port of the mesh gRPC server (xDS-managed, mTLS as the control plane says); no server when not set. */
      private Integer port;
      /** How long a stopping server lets in-flight calls finish. */
      private Duration shutdownGracePeriod = Duration.ofSeconds(10);

      public Integer getPort() {
        return port;
      }

      public void setPort(Integer port) {
        this.port = port;
      }

      public Duration getShutdownGracePeriod() {
        return shutdownGracePeriod;
      }

      public void setShutdownGracePeriod(Duration shutdownGracePeriod) {
        this.shutdownGracePeriod = shutdownGracePeriod;
      }
    }
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getControlPlane() {
    return controlPlane;
  }

  public void setControlPlane(String controlPlane) {
    this.controlPlane = controlPlane;
  }

  public String getService() {
    return service;
  }

  public void setService(String service) {
    this.service = service;
  }

  public String getInstanceId() {
    return instanceId;
  }

  public void setInstanceId(String instanceId) {
    this.instanceId = instanceId;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public Map<String, String> getLabels() {
    return labels;
  }

  public void setLabels(Map<String, String> labels) {
    this.labels = labels;
  }

  public String getLocality() {
    return locality;
  }

  public void setLocality(String locality) {
    this.locality = locality;
  }

  public String getZone() {
    return zone;
  }

  public void setZone(String zone) {
    this.zone = zone;
  }

  public String getIdentityToken() {
    return identityToken;
  }

  public void setIdentityToken(String identityToken) {
    this.identityToken = identityToken;
  }

  public String getServiceAccount() {
    return serviceAccount;
  }

  public void setServiceAccount(String serviceAccount) {
    this.serviceAccount = serviceAccount;
  }

  public String getTrustDomain() {
    return trustDomain;
  }

  public void setTrustDomain(String trustDomain) {
    this.trustDomain = trustDomain;
  }

  public Path getPersistDirectory() {
    return persistDirectory;
  }

  public void setPersistDirectory(Path persistDirectory) {
    this.persistDirectory = persistDirectory;
  }

  public Duration getLookupTimeout() {
    return lookupTimeout;
  }

  public void setLookupTimeout(Duration lookupTimeout) {
    this.lookupTimeout = lookupTimeout;
  }

  public Registration getRegistration() {
    return registration;
  }

  public Telemetry getTelemetry() {
    return telemetry;
  }

  public Grpc getGrpc() {
    return grpc;
  }
}
