package dev.meshwork.examples.bookstore.reviews;

import dev.meshwork.examples.bookstore.proto.RatingRequest;
import dev.meshwork.examples.bookstore.proto.RatingsGrpc;
import dev.meshwork.spring.MeshClient;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The {@code reviews} service, in three versions ({@code mesh.version}): v1 shows no stars, v2
 * black stars, v3 red stars; v2 and v3 ask {@code ratings} over gRPC through a stub the starter
 * injects. The answer is one line, {@code <version> <stars>}, e.g. {@code v3 red:4}.
 */
@SpringBootApplication
@RestController
public class ReviewsApp {
  private final String version;
  private final RatingsGrpc.RatingsBlockingStub ratings;

  /**
   * @param version this instance's version (the registered {@code version} label)
   * @param ratings a stub on the mesh channel to {@code ratings}
   */
  public ReviewsApp(@Value("${mesh.version}") String version,
      @MeshClient("ratings") RatingsGrpc.RatingsBlockingStub ratings) {
    this.version = version;
    this.ratings = ratings;
  }

  /**
   * Warms the ratings channel up once the app is ready (v2, v3): gRPC channels resolve and connect
   * on their first call, which would otherwise be the first page a canary serves.
   */
  @EventListener(ApplicationReadyEvent.class)
  public void warmUp() {
    if (!version.equals("v1")) {
      Thread t = new Thread(() -> {
        try {
          ratings.withWaitForReady().withDeadlineAfter(30, TimeUnit.SECONDS)
              .get(RatingRequest.newBuilder().setProductId("warm-up").build());
        } catch (RuntimeException e) {
          // the first real call will try again
        }
      }, "reviews-" + version + "-warm-up");
      t.setDaemon(true);
      t.start();
    }
  }

  /** The reviews of one product. */
  @GetMapping("/reviews/{id}")
  public String reviews(@PathVariable("id") String id) {
    if (version.equals("v1")) {
      return "v1 none";
    }
    int stars = ratings.withDeadlineAfter(5, TimeUnit.SECONDS)
        .get(RatingRequest.newBuilder().setProductId(id).build()).getStars();
    return version + " " + (version.equals("v2") ? "black" : "red") + ":" + stars;
  }
}
