package dev.meshwork.examples.bookstore.ratings;

import dev.meshwork.examples.bookstore.proto.RatingReply;
import dev.meshwork.examples.bookstore.proto.RatingRequest;
import dev.meshwork.examples.bookstore.proto.RatingsGrpc;
import io.grpc.stub.StreamObserver;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Component;

/**
 * The {@code ratings} service: a gRPC-only Spring Boot app. Its {@code BindableService} bean is
 * served by the starter's mesh gRPC server ({@code mesh.grpc.server.port}); nothing here knows
 * about the mesh.
 */
@SpringBootApplication
public class RatingsApp {

  /** Answers every product with a rating derived from its id (1 to 5 stars). */
  @Component
  static class RatingsService extends RatingsGrpc.RatingsImplBase {
    @Override
    public void get(RatingRequest request, StreamObserver<RatingReply> response) {
      int stars = 1 + Math.floorMod(request.getProductId().hashCode(), 5);
      response.onNext(RatingReply.newBuilder().setStars(stars).build());
      response.onCompleted();
    }
  }
}
