// An image blended over a region of the frame (labels): premultiplied RGBA, drawn in its viewport.
uniform sampler2D u_image;
uniform vec4 u_rect;         // the region: x, y (lower-left), width, height, in pixels
out vec4 fragColor;

void main() {
    fragColor = texture(u_image, (gl_FragCoord.xy - u_rect.xy) / u_rect.zw);
}
