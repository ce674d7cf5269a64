/** Names for the benches' members, as a union's register has them. */
export const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
];
const GIVEN = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文辉鹏飞斌宇浩凯峰晨欣怡婷雪琳佳颖子涵梓轩思雨嘉俊宏振海波东林亮成春梅燕慧晓丹丹阳光荣福宝',
];

/** A deterministic Chinese name: surnames skewed as in life (the first is ~10% of rows), one or two given characters. */
export function benchName(n: number): string {
  const r = (Math.imul(n + 1, 2_654_435_761) >>> 0) / 2 ** 32;
  const surname = SURNAMES[Math.floor(SURNAMES.length * r * r)];
  const g1 = GIVEN[(n * 31) % GIVEN.length];
  return n % 3 === 0 ? `${surname}${g1}` : `${surname}${g1}${GIVEN[(n * 17 + 5) % GIVEN.length]}`;
}
