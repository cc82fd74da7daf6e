import * as Poster from "@market40/core/poster/poster";
import type { Stall } from "@market40/core/stall/stall";
import * as QrImage from "@market40/core/vietqr/image";
import { encode } from "@market40/core/vietqr/payload";
import { forStall } from "@market40/core/vietqr/stallQr";
import QRCode from "qrcode";
import { QRPay } from "vietnam-qr-pay";
import { type Figure, rate, round, time } from "./harness";

const stall = (i: number): Stall => ({
  id: `s${i}`,
  marketId: "dong-van",
  code: `A-${String(i).padStart(3, "0")}`,
  vendorName: "Giàng Thị Mai",
  bank: {
    bin: "970405",
    bankName: "Agribank",
    accountNumber: String(8888000000000 + i),
    accountName: "Giàng Thị Mai",
  },
  status: "active",
  createdAt: "",
  updatedAt: "",
  qrIssuedAt: null,
});

/** VietQR encoding, QR images and posters (issue 4). */
export async function qrBench(): Promise<Figure[]> {
  const figures: Figure[] = [];
  let i = 0;
  const ours = await rate(() =>
    encode({
      initiation: "dynamic",
      bin: "970416",
      accountNumber: String(257678859 + (i++ % 1000)),
      service: "QRIBFTTA",
      amount: "10000",
      additional: { purpose: "Chuyen tien" },
    }),
  );
  const theirs = await rate(() =>
    QRPay.initVietQR({
      bankBin: "970416",
      bankNumber: String(257678859 + (i++ % 1000)),
      amount: "10000",
      purpose: "Chuyen tien",
    }).build(),
  );
  figures.push({
    suite: "qr",
    name: "VietQR payloads encoded (validated)",
    value: round(ours, 0),
    unit: "/s",
    peer: "vietnam-qr-pay build()",
    peerValue: round(theirs, 0),
    ratio: round(ours / theirs, 2),
  });

  const payload = forStall(stall(1)).payload;
  const png512 = await rate(() => QrImage.toPng(payload, 512));
  const qrcode512 = await rate(() =>
    QRCode.toBuffer(payload, { errorCorrectionLevel: "M", width: 512, margin: 4 }),
  );
  figures.push({
    suite: "qr",
    name: "PNG 512 px rendered",
    value: round(png512, 0),
    unit: "/s",
    peer: "qrcode toBuffer 512 px (aim ≥ 5×)",
    peerValue: round(qrcode512, 1),
    ratio: round(png512 / qrcode512, 1),
  });
  const png1024 = await rate(() => QrImage.toPng(payload, 1024));
  const qrcode1024 = await rate(() =>
    QRCode.toBuffer(payload, { errorCorrectionLevel: "M", width: 1024, margin: 4 }),
  );
  figures.push({
    suite: "qr",
    name: "PNG 1024 px rendered",
    value: round(png1024, 0),
    unit: "/s",
    peer: "qrcode toBuffer 1024 px",
    peerValue: round(qrcode1024, 1),
    ratio: round(png1024 / qrcode1024, 1),
  });
  const svg = await rate(() => QrImage.toSvg(payload, 512));
  const qrcodeSvg = await rate(() =>
    QRCode.toString(payload, { type: "svg", errorCorrectionLevel: "M", width: 512, margin: 4 }),
  );
  figures.push({
    suite: "qr",
    name: "SVG rendered",
    value: round(svg, 0),
    unit: "/s",
    peer: "qrcode toString svg",
    peerValue: round(qrcodeSvg, 0),
    ratio: round(svg / qrcodeSvg, 2),
  });

  const contents = Array.from({ length: 300 }, (_, n) => ({
    marketName: "Chợ phiên Đồng Văn",
    stall: stall(n),
    payload: forStall(stall(n)).payload,
  }));
  await Poster.renderMany("warm-up", contents.slice(0, 5));
  const batch = await time(() => Poster.renderMany("Mã QR — Chợ phiên Đồng Văn", contents));
  figures.push({
    suite: "qr",
    name: "Posters PDF, 300 stalls: time",
    value: round(batch.ms, 0),
    unit: "ms",
    note: "one A6 page per stall, vector QR, fonts embedded once",
  });
  figures.push({
    suite: "qr",
    name: "Posters PDF, 300 stalls: size",
    value: round(batch.result.length / 1024, 0),
    unit: "KiB",
    note: `${round(batch.result.length / 300 / 1024, 1)} KiB per poster`,
  });
  return figures;
}
