package dev.scenecache.cache.read;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.scenecache.cache.CacheGroup;
import dev.scenecache.cache.CacheId;
import dev.scenecache.cache.CacheKey;
import dev.scenecache.cache.CacheRead;
import dev.scenecache.cache.CacheSpec;
import dev.scenecache.cache.JsonDocument;
import dev.scenecache.cache.ValueCodec;
import dev.scenecache.cache.redis.DocumentCodec;
import io.quarkus.arc.ArcInvocationContext;
import io.smallrye.mutiny.Uni;

/**
 * The interceptor of {@link CacheRead}: builds the key from the annotated parameters and hands the
 * call to {@link TwoTierCache}. What each method needs (its cache, key parameters, codec and TTL: its
 * {@link Plan}) is worked out once, on its first call; a call then only reads its arguments.
 */
@CacheRead
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 100)
public class CacheReadInterceptor {

    /** One cached method: its cache's spec, and where its key's group and ids are among the arguments. */
    private record Plan(CacheSpec spec, int group, String kind, int[] ids) {

        /** The key rule of {@link CacheKey#group} and {@link CacheKey#id}, applied to the arguments. */
        CacheKey key(Object[] args) {
            String group = CacheKey.group(kind, args[this.group]);
            if (ids.length == 1) {
                return CacheKey.of(spec.cache(), group, String.valueOf(args[ids[0]]));
            }
            Object[] parts = new Object[ids.length];
            for (int i = 0; i < ids.length; i++) {
                parts[i] = args[ids[i]];
            }
            return CacheKey.of(spec.cache(), group, CacheKey.id(parts));
        }
    }

    private final TwoTierCache cache;
    private final TtlPolicy ttl;
    private final ObjectMapper mapper;
    private final Map<Method, Plan> plans = new ConcurrentHashMap<>();

    public CacheReadInterceptor(TwoTierCache cache, TtlPolicy ttl, ObjectMapper mapper) {
        this.cache = cache;
        this.ttl = ttl;
        this.mapper = mapper;
    }

    @AroundInvoke
    @SuppressWarnings("unchecked")
    Object intercept(InvocationContext context) {
        Plan plan = plans.get(context.getMethod());
        if (plan == null) {
            plan = plans.computeIfAbsent(context.getMethod(),
                    m -> plan(m, ArcInvocationContext.findIterceptorBinding(context, CacheRead.class)));
        }
        return cache.read(plan.key(context.getParameters()), plan.spec(), () -> {
            try {
                return (Uni<Object>) context.proceed();
            } catch (Exception e) {
                return Uni.createFrom().failure(e);
            }
        });
    }

    private Plan plan(Method method, CacheRead binding) {
        if (method.getReturnType() != Uni.class) {
            throw new IllegalStateException("@CacheRead needs a method returning Uni<T>: " + method);
        }
        int group = -1;
        String kind = null;
        List<Integer> ids = new ArrayList<>();
        Annotation[][] annotations = method.getParameterAnnotations();
        for (int i = 0; i < annotations.length; i++) {
            for (Annotation a : annotations[i]) {
                if (a instanceof CacheGroup g) {
                    group = i;
                    kind = g.value();
                } else if (a instanceof CacheId) {
                    ids.add(i);
                }
            }
        }
        if (group < 0) {
            throw new IllegalStateException("@CacheRead needs one @CacheGroup parameter: " + method);
        }
        var valueType = ((ParameterizedType) method.getGenericReturnType()).getActualTypeArguments()[0];
        ValueCodec codec = valueType == JsonDocument.class
                ? DocumentCodec.INSTANCE
                : new JacksonCodec(mapper, mapper.getTypeFactory().constructType(valueType));
        var spec = new CacheSpec(binding.cache(), codec, ttl.ttlMillis(binding.cache()), binding.negative());
        return new Plan(spec, group, kind, ids.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Any other value as compact JSON. */
    record JacksonCodec(ObjectMapper mapper, JavaType type) implements ValueCodec {
        @Override
        public byte[] encode(Object value) throws Exception {
            return mapper.writeValueAsBytes(value);
        }

        @Override
        public Object decode(byte[] payload) throws Exception {
            return mapper.readValue(payload, type);
        }
    }
}
