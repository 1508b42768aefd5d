package dev.meshwork.spring;

import dev.meshwork.spring.client.MeshClientsRegistrar;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;

/**
 * Scans these packages for {@link MeshClient} HTTP interfaces and defines a bean for each. Without
 * it, the starter scans the packages of the {@code @SpringBootApplication} (its auto-configuration
 * packages).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(MeshClientsRegistrar.class)
public @interface EnableMeshClients {
  /** Packages to scan; the annotated class's package when empty (and no classes are given). */
  String[] basePackages() default {};

  /** Packages of these classes are scanned too. */
  Class<?>[] basePackageClasses() default {};
}
