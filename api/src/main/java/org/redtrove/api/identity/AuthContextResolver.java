package org.redtrove.api.identity;

import org.redtrove.api.fault.Unauthorized;
import org.springframework.core.MethodParameter;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/** Lets a controller method declare an {@link AuthContext} parameter, filled in by {@link AuthFilter}. */
@Component
public class AuthContextResolver implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == AuthContext.class;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
                                  NativeWebRequest webRequest, WebDataBinderFactory binderFactory) {
        Object auth = webRequest.getAttribute(AuthContext.ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
        if (auth == null) {
            throw new Unauthorized("Authentication required: send X-Auth-Token.");
        }
        return auth;
    }
}
