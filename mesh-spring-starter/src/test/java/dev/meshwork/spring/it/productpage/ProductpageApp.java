package dev.meshwork.spring.it.productpage;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A web app calling reviews (HTTP interface) and ratings (gRPC stub) through the mesh. */
@SpringBootApplication
public class ProductpageApp {
}
