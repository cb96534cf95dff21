import { useMemo } from "react";
import { qrShape } from "./qr.ts";

/**
 * A QR code as SVG elements (no innerHTML): white square with its quiet zone, dark modules as
 * one path. Colours are attributes, not classes, so the SVG is the same when saved on its own.
 */
export function QrCode({ value, label, className }: { value: string; label: string; className?: string }) {
  const { size, path } = useMemo(() => qrShape(value), [value]);
  return (
    <svg
      className={className}
      xmlns="http://www.w3.org/2000/svg"
      viewBox={`0 0 ${size} ${size}`}
      role="img"
      aria-label={label}
      shapeRendering="crispEdges"
    >
      <rect width={size} height={size} fill="#ffffff" />
      <path d={path} fill="#000000" />
    </svg>
  );
}
